/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * Thrown when a named-tensor file (or a shard index) is malformed, damaged or of an unsupported
 * version. The {@link #getKind() kind} says what is wrong, and the message names the file and the
 * tensor or header field at fault.
 */
public class TensorFileFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** One constant per way a file can be wrong. */
    public enum Kind {
        /** The path is a directory, a FIFO or a device, not a regular file; it is not opened. */
        NOT_A_REGULAR_FILE,
        /** The file is shorter than the 8-byte header length prefix. */
        HEADER_TOO_SMALL,
        /** The header length exceeds the reader's cap. */
        HEADER_TOO_LARGE,
        /** The header length points beyond the end of the file. */
        HEADER_BEYOND_FILE,
        /** The header is not valid UTF-8. */
        INVALID_UTF8,
        /** The header is not valid JSON. */
        INVALID_JSON,
        /** The header is valid JSON but not a valid tensor header (a field missing or mistyped). */
        INVALID_HEADER,
        /** Two tensors (or two metadata keys) share one name. */
        DUPLICATE_NAME,
        /** A tensor's dtype is not one this format knows. */
        UNKNOWN_DTYPE,
        /** A tensor's shape has a negative dimension. */
        INVALID_SHAPE,
        /** A size or offset computation overflows a signed 64-bit integer. */
        SIZE_OVERFLOW,
        /** A tensor's data offsets are reversed or point outside the data region. */
        OFFSETS_OUT_OF_RANGE,
        /** Tensors' data overlap, or leave a hole between them. */
        OFFSETS_NOT_CONTIGUOUS,
        /** A tensor's byte count differs from its shape times its dtype size. */
        SIZE_MISMATCH,
        /** The file holds bytes after the last tensor's data. */
        TRAILING_BYTES,
        /** The file ends before the last tensor's data does. */
        TRUNCATED,
        /** The file was written by a newer format version than this reader supports. */
        UNSUPPORTED_VERSION,
        /** An odyssey metadata entry has an invalid value. */
        INVALID_METADATA,
        /** The header's checksum does not match its content. */
        HEADER_CHECKSUM_MISMATCH,
        /** A tensor's checksum does not match its data. */
        CHECKSUM_MISMATCH,
        /** A single tensor is too large to be held in one Java buffer (over 2 GiB - 1). */
        TENSOR_TOO_LARGE,
        /** A requested tensor is not in the file. */
        MISSING_TENSOR,
        /** A shard index is malformed, or a shard does not belong to it. */
        INVALID_INDEX,
        /** A compressed tensor names a codec or filter this reader does not know. */
        UNKNOWN_CODEC,
        /**
         * A compressed tensor's chunk table is malformed or disagrees with the header (chunk sizes
         * that do not cover its stored bytes exactly, a chunk larger than its data, a bad chunk
         * size).
         */
        INVALID_CHUNK_TABLE,
        /** A compressed chunk declares or yields a decompressed size other than its table's. */
        DECOMPRESSED_SIZE_MISMATCH,
        /** A compressed chunk cannot be decoded (a truncated or damaged frame). */
        CORRUPT_CHUNK,
        /**
         * The file changed after it was opened: replaced, truncated, or cut while its data were
         * being read through a mapping.
         */
        FILE_CHANGED,
        /** The system refused to memory-map the file's data. */
        MAP_FAILED
    }

    private final Kind kind;
    private final transient Path file;
    private final String subject;

    /**
     * Constructs an exception.
     *
     * @param kind what is wrong
     * @param file the file at fault, or {@code null} when there is none
     * @param subject the tensor name or header field at fault, or {@code null} for the whole file
     * @param detail what exactly is wrong
     */
    public TensorFileFormatException(Kind kind, Path file, String subject, String detail) {
        this(kind, file, subject, detail, null);
    }

    /**
     * Constructs an exception with a cause.
     *
     * @param kind what is wrong
     * @param file the file at fault, or {@code null} when there is none
     * @param subject the tensor name or header field at fault, or {@code null} for the whole file
     * @param detail what exactly is wrong
     * @param cause the underlying exception
     */
    public TensorFileFormatException(
            Kind kind, Path file, String subject, String detail, Throwable cause) {
        super(message(kind, file, subject, detail), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.file = file;
        this.subject = subject;
    }

    private static String message(Kind kind, Path file, String subject, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<memory>" : UntrustedText.escape(Locations.of(file)));
        if (subject != null) {
            sb.append(": ").append(UntrustedText.forMessage(subject));
        }
        sb.append(": ")
                .append(UntrustedText.forMessage(detail, 2000))
                .append(" [")
                .append(kind)
                .append(']');
        return sb.toString();
    }

    /**
     * Returns what is wrong.
     *
     * @return the error kind
     */
    public Kind getKind() {
        return kind;
    }

    /**
     * Returns the file at fault.
     *
     * @return the file, or {@code null} when the data did not come from a file
     */
    public Path getFile() {
        return file;
    }

    /**
     * Returns the tensor name or header field at fault.
     *
     * @return the subject, or {@code null} when the fault concerns the whole file
     */
    public String getSubject() {
        return subject;
    }
}
