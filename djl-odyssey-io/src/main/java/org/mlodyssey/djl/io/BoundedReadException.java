/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown by {@link BoundedFiles} when a file is not one it reads: not a regular file, larger than
 * the caller's cap, or not valid UTF-8. The message names the file, what is wrong and, for text,
 * the byte offset of the first bad byte.
 */
public final class BoundedReadException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The ways a file can be refused. */
    public enum Kind {
        /** The path is a directory, a FIFO, a device or a socket, not a regular file. */
        NOT_A_REGULAR_FILE,
        /** The file is larger than the caller's cap (checked before reading and while reading). */
        TOO_LARGE,
        /** The file's bytes are not valid UTF-8. */
        INVALID_UTF8
    }

    private final Kind kind;
    private final transient Path file;
    private final long offset;
    private final String detail;

    /**
     * Creates an exception.
     *
     * @param kind what is wrong
     * @param file the file
     * @param offset the byte offset of the first bad byte, or -1 when the whole file is at fault
     * @param detail what exactly is wrong
     */
    public BoundedReadException(Kind kind, Path file, long offset, String detail) {
        super(UntrustedText.escape(String.valueOf(file)) + ": " + detail);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.file = file;
        this.offset = offset;
        this.detail = detail;
    }

    /**
     * Returns what is wrong, without the file name.
     *
     * @return for example {@code "is a directory, not a regular file; ..."}
     */
    public String getDetail() {
        return detail;
    }

    /**
     * Returns what is wrong.
     *
     * @return the kind
     */
    public Kind getKind() {
        return kind;
    }

    /**
     * Returns the file.
     *
     * @return the file, or {@code null} after deserialisation
     */
    public Path getFile() {
        return file;
    }

    /**
     * Returns the byte offset of the first bad byte.
     *
     * @return the offset, or -1 when the whole file is at fault
     */
    public long getOffset() {
        return offset;
    }
}
