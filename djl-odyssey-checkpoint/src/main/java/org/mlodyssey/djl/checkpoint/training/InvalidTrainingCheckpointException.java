/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * Thrown when a training checkpoint directory must not be loaded: no manifest (never committed, or
 * half-written), a malformed manifest, or a file that is missing, of the wrong size or with the
 * wrong checksum. The message names the directory and the file at fault.
 */
public class InvalidTrainingCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /** One constant per way a checkpoint directory can be unusable. */
    public enum Kind {
        /** The directory has no manifest: it was never committed. */
        MISSING_MANIFEST,
        /** The manifest is not valid JSON or lacks or mistypes a field. */
        MALFORMED_MANIFEST,
        /** The manifest is larger than a manifest may be (16 MiB); it is not read. */
        MANIFEST_TOO_LARGE,
        /** A file cannot be read at all: it is a directory, access is denied, or reading fails. */
        UNREADABLE_FILE,
        /** The manifest is of a newer format version than this reader supports. */
        UNSUPPORTED_VERSION,
        /** A file listed in the manifest is absent. */
        MISSING_FILE,
        /** A file's size differs from the manifest's (truncated or extended). */
        SIZE_MISMATCH,
        /** A file's CRC32C differs from the manifest's. */
        CHECKSUM_MISMATCH,
        /** The trainer state file is malformed or disagrees with the manifest. */
        MALFORMED_TRAINER_STATE
    }

    /** Why the checkpoint is unusable. */
    private final Kind kind;

    /** The checkpoint directory (not serialized). */
    private final transient Path directory;

    /** The file at fault, relative to the directory. */
    private final String file;

    /**
     * Creates an exception.
     *
     * @param kind why the checkpoint is unusable
     * @param directory the checkpoint directory
     * @param file the file at fault, relative to the directory
     * @param detail what exactly is wrong
     */
    public InvalidTrainingCheckpointException(
            Kind kind, Path directory, String file, String detail) {
        this(kind, directory, file, detail, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param kind why the checkpoint is unusable
     * @param directory the checkpoint directory
     * @param file the file at fault, relative to the directory
     * @param detail what exactly is wrong
     * @param cause the underlying error, or null
     */
    public InvalidTrainingCheckpointException(
            Kind kind, Path directory, String file, String detail, Throwable cause) {
        super(
                "Training checkpoint "
                        + UntrustedText.escape(String.valueOf(Locations.of(directory)))
                        + ": "
                        + UntrustedText.forMessage(file)
                        + ": "
                        + UntrustedText.forMessage(detail, 2000)
                        + " ("
                        + kind
                        + ")",
                cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.directory = directory;
        this.file = file;
    }

    /**
     * Returns why the checkpoint is unusable.
     *
     * @return the kind
     */
    public Kind getKind() {
        return kind;
    }

    /**
     * Returns the checkpoint directory.
     *
     * @return the directory
     */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Returns the file at fault, relative to the checkpoint directory.
     *
     * @return the file name
     */
    public String getFile() {
        return file;
    }
}
