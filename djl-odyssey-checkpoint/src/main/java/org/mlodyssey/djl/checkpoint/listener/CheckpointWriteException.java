/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.Locations;

/**
 * A checkpoint could not be written; nothing was committed for it. Unchecked, because it surfaces
 * from DJL listener callbacks, which cannot throw checked exceptions.
 */
public final class CheckpointWriteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The checkpoint directory that was to be committed. */
    private final transient Path checkpoint;

    /**
     * Creates an exception.
     *
     * @param checkpoint the checkpoint directory that was to be committed
     * @param cause why the write failed
     */
    public CheckpointWriteException(Path checkpoint, Throwable cause) {
        super("Checkpoint " + Locations.of(checkpoint) + " could not be written: " + cause, cause);
        this.checkpoint = checkpoint;
    }

    /**
     * Returns the checkpoint directory that was to be committed.
     *
     * @return the directory, which does not exist
     */
    public Path getCheckpoint() {
        return checkpoint;
    }
}
