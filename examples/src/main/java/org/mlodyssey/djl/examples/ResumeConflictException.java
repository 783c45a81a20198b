/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

/**
 * Thrown by {@link TrainClassifier#run} when the flags do not fit the checkpoint directory: {@code
 * --resume never} on a directory that holds checkpoints, a {@code --resume} path that is no
 * checkpoint, or a flag whose value differs from the one the resumed checkpoint was trained with.
 * The message names the flag; the command line reports it as a usage error.
 */
public final class ResumeConflictException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what does not fit, naming the flag
     */
    public ResumeConflictException(String message) {
        super(message);
    }
}
