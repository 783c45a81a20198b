/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.util.Objects;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * Thrown when a distributed checkpoint cannot be saved or loaded: slices that overlap or leave a
 * hole, ranks that disagree on a tensor, ranks that did not publish in time, a rank's file missing
 * or damaged after the commit, malformed metadata. The {@link #getKind() kind} says what is wrong;
 * the message names the checkpoint and, where they apply, the tensor, the rank and the file.
 */
public class DistributedCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /** One constant per way a distributed save or load can fail. */
    public enum Kind {
        /** Two chunks of one tensor cover a common element. */
        OVERLAPPING_CHUNKS,
        /** The chunks of a tensor leave elements uncovered. */
        MISSING_CHUNKS,
        /** Ranks give one tensor different global shapes. */
        SHAPE_MISMATCH,
        /** Ranks give one tensor different dtypes. */
        DTYPE_MISMATCH,
        /** A slice is not within its tensor's global shape, or its data size is wrong. */
        INVALID_SLICE,
        /** Some ranks did not publish their metadata before the coordinator's timeout. */
        MISSING_RANKS,
        /** The coordinator did not commit before a rank's timeout, or committed another save. */
        COMMIT_TIMEOUT,
        /** The checkpoint already has global metadata: it was committed by an earlier save. */
        ALREADY_COMMITTED,
        /**
         * A rank already published a manifest of this save id, in an earlier attempt of the save: a
         * save id serves one attempt, a retry needs a new one.
         */
        SAVE_ID_REUSED,
        /** The checkpoint has no global metadata: it was never committed (or is not one). */
        NOT_COMMITTED,
        /** A rank's file named by the committed metadata is absent. */
        MISSING_FILE,
        /** A rank's file has another size or CRC32C than the committed metadata records. */
        FILE_MISMATCH,
        /** A block of a chunk does not match its CRC32C: the file is damaged. */
        CHECKSUM_MISMATCH,
        /** The global or a rank's metadata is not valid (JSON, a field missing or mistyped). */
        MALFORMED_METADATA,
        /** The metadata is of a newer format version than this reader supports. */
        UNSUPPORTED_VERSION,
        /** A requested tensor is not in the checkpoint. */
        UNKNOWN_TENSOR
    }

    private final Kind kind;
    private final String checkpoint;
    private final String tensor;
    private final int rank;
    private final String file;

    /**
     * Creates an exception.
     *
     * @param kind what is wrong
     * @param checkpoint the checkpoint's location
     * @param tensor the tensor at fault, or {@code null}
     * @param rank the rank at fault, or -1
     * @param file the file (key) at fault, or {@code null}
     * @param detail what exactly is wrong
     */
    public DistributedCheckpointException(
            Kind kind, String checkpoint, String tensor, int rank, String file, String detail) {
        this(kind, checkpoint, tensor, rank, file, detail, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param kind what is wrong
     * @param checkpoint the checkpoint's location
     * @param tensor the tensor at fault, or {@code null}
     * @param rank the rank at fault, or -1
     * @param file the file (key) at fault, or {@code null}
     * @param detail what exactly is wrong
     * @param cause the underlying error, or {@code null}
     */
    public DistributedCheckpointException(
            Kind kind,
            String checkpoint,
            String tensor,
            int rank,
            String file,
            String detail,
            Throwable cause) {
        super(message(kind, checkpoint, tensor, rank, file, detail), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.checkpoint = checkpoint;
        this.tensor = tensor;
        this.rank = rank;
        this.file = file;
    }

    private static String message(
            Kind kind, String checkpoint, String tensor, int rank, String file, String detail) {
        StringBuilder sb = new StringBuilder("Distributed checkpoint ");
        sb.append(UntrustedText.escape(String.valueOf(checkpoint)));
        if (tensor != null) {
            sb.append(": tensor ").append(UntrustedText.forMessage(tensor));
        }
        if (rank >= 0) {
            sb.append(": rank ").append(rank);
        }
        if (file != null) {
            sb.append(": ").append(UntrustedText.forMessage(file));
        }
        return sb.append(": ")
                .append(UntrustedText.forMessage(detail, 2000))
                .append(" [")
                .append(kind)
                .append(']')
                .toString();
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
     * Returns the checkpoint's location.
     *
     * @return the location, as the store names it
     */
    public String getCheckpoint() {
        return checkpoint;
    }

    /**
     * Returns the tensor at fault.
     *
     * @return the tensor name, or {@code null} when the fault concerns no single tensor
     */
    public String getTensor() {
        return tensor;
    }

    /**
     * Returns the rank at fault.
     *
     * @return the rank, or -1 when the fault concerns no single rank
     */
    public int getRank() {
        return rank;
    }

    /**
     * Returns the file at fault.
     *
     * @return the key of the file relative to the checkpoint, or {@code null}
     */
    public String getFile() {
        return file;
    }
}
