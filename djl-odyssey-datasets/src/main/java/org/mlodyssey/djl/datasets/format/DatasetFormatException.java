/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * Thrown when a dataset file is malformed: it names the file and says, through a {@link Kind},
 * exactly which way it is wrong.
 *
 * <p>Readers throw this exception before allocating anything from a size they could not check, so a
 * file that lies about its sizes fails with this exception rather than with an {@link
 * OutOfMemoryError}.
 */
public final class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The ways a dataset file can be malformed. */
    public enum Kind {
        /** The path is a directory, a FIFO or a device, not a regular file; it is not opened. */
        NOT_A_REGULAR_FILE,
        /** The file does not start with the magic number of its format. */
        BAD_MAGIC,
        /** The IDX type code is unknown or not the element type the dataset expects. */
        WRONG_TYPE_CODE,
        /** The IDX dimension count is not the one the dataset expects. */
        WRONG_DIMENSION_COUNT,
        /** A dimension is zero, negative or not the value the dataset expects. */
        BAD_DIMENSION,
        /** The sizes in the header overflow when multiplied or added. */
        SIZE_OVERFLOW,
        /** The header declares more data than the file can hold, or the data ends too early. */
        TOO_LITTLE_DATA,
        /** The file holds data after the end the header declares. */
        TOO_MUCH_DATA,
        /** A gzip stream ends before its trailer or fails its integrity check. */
        TRUNCATED_GZIP,
        /** The file length is not a whole number of fixed-size records. */
        BAD_RECORD_SIZE,
        /** The image file and the label file disagree on the number of examples. */
        COUNT_MISMATCH,
        /** A label is outside the range of classes of the dataset. */
        LABEL_OUT_OF_RANGE,
        /** A class-name or mapping file is malformed or has the wrong number of classes. */
        BAD_CLASS_NAMES,
        /** An archive is malformed or lacks a member the dataset needs. */
        BAD_ARCHIVE
    }

    /** The way the file is malformed. */
    private final Kind kind;

    /** The malformed file (not serialised: {@link Path} is not serialisable). */
    private final transient Path file;

    /**
     * Creates a new exception.
     *
     * @param kind the way the file is malformed
     * @param file the malformed file
     * @param detail what exactly is wrong, in words
     */
    public DatasetFormatException(Kind kind, Path file, String detail) {
        this(kind, file, detail, null);
    }

    /**
     * Creates a new exception with a cause.
     *
     * @param kind the way the file is malformed
     * @param file the malformed file
     * @param detail what exactly is wrong, in words
     * @param cause the underlying exception, or {@code null}
     */
    public DatasetFormatException(Kind kind, Path file, String detail, Throwable cause) {
        super(
                UntrustedText.escape(String.valueOf(file))
                        + ": "
                        + kind
                        + ": "
                        + UntrustedText.forMessage(detail, 2000),
                cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * Turns a refusal of {@link BoundedFiles} into this exception: a path that is not a regular
     * file stays {@link Kind#NOT_A_REGULAR_FILE}; a file too large or not UTF-8 takes the kind the
     * caller gives for a malformed file.
     *
     * @param e the refusal
     * @param malformed the kind for a file too large or not valid UTF-8
     * @return the exception, naming the file and what is wrong
     */
    public static DatasetFormatException from(BoundedReadException e, Kind malformed) {
        Kind kind =
                e.getKind() == BoundedReadException.Kind.NOT_A_REGULAR_FILE
                        ? Kind.NOT_A_REGULAR_FILE
                        : malformed;
        return new DatasetFormatException(kind, e.getFile(), e.getDetail(), e);
    }

    /**
     * Returns the way the file is malformed.
     *
     * @return the kind of error
     */
    public Kind getKind() {
        return kind;
    }

    /**
     * Returns the malformed file.
     *
     * @return the path of the file, or {@code null} after deserialisation
     */
    public Path getFile() {
        return file;
    }
}
