/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import java.io.IOException;

/**
 * A download failure that may pass: {@link FileDownloader} attempts the download again while
 * attempts are left, and throws {@link #failure()} after the last one.
 */
final class RetryableFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final IOException failure;

    /**
     * Wraps a failure that may pass.
     *
     * @param failure the failure thrown if no attempt is left
     */
    RetryableFailure(IOException failure) {
        super(failure.getMessage(), failure, false, false);
        this.failure = failure;
    }

    /**
     * Returns the failure thrown if no attempt is left.
     *
     * @return the failure
     */
    IOException failure() {
        return failure;
    }
}
