/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import java.io.IOException;

/**
 * Thrown when a dataset's files are not in its data directory and may not be downloaded (DJL's
 * offline mode is on); the message says which files to put where and where to get them.
 */
public final class MissingDatasetFilesException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a new exception.
     *
     * @param message which files to put where, and where to get them
     */
    public MissingDatasetFilesException(String message) {
        super(message);
    }
}
