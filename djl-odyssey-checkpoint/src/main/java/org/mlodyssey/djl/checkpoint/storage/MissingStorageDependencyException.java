/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

/**
 * A location needs an optional dependency that is not on the classpath, such as the AWS SDK for an
 * {@code s3://} location. The message names the artifacts to add.
 */
public final class MissingStorageDependencyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is missing and which artifacts to add
     * @param cause the class-loading failure
     */
    public MissingStorageDependencyException(String message, Throwable cause) {
        super(message, cause);
    }
}
