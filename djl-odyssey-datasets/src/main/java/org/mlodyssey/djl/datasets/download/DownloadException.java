/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import java.io.IOException;
import java.util.Objects;

/** Thrown when a download fails; a {@link Kind} says how. */
public final class DownloadException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The ways a download can fail. */
    public enum Kind {
        /** The server answered with an HTTP status other than 200 or 206. */
        HTTP_STATUS,
        /** The transfer ended before the whole file arrived. */
        TRUNCATED,
        /** The whole file arrived but its checksum or size is not the published one. */
        CHECKSUM_MISMATCH,
        /**
         * The local file could not be written or read (a full disk, no permission, a directory in
         * the way); the message names the local file.
         */
        LOCAL_IO,
        /**
         * Another download into the same file is running (its {@code .part.lock} file is locked, by
         * this or another process).
         */
        IN_PROGRESS
    }

    /** How the download failed. */
    private final Kind kind;

    /**
     * Creates a new exception.
     *
     * @param kind how the download failed
     * @param message what happened, naming the URL and the file
     * @param cause the underlying exception, or {@code null}
     */
    public DownloadException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Returns how the download failed.
     *
     * @return the kind of failure
     */
    public Kind getKind() {
        return kind;
    }
}
