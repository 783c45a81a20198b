/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.Locations;

/**
 * Thrown when a run tries to write into a directory of checkpoints another run is writing into:
 * another process, or another listener of this process.
 */
public class CheckpointDirectoryLockedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The directory of checkpoints. */
    private final transient Path directory;

    /** Who holds the lock, as its lock file says. */
    private final String holder;

    /**
     * Creates an exception for a locked directory.
     *
     * @param directory the directory of checkpoints
     * @param holder who holds the lock, such as {@code pid 123 on host since ...}
     */
    public CheckpointDirectoryLockedException(Path directory, String holder) {
        super(
                "The checkpoint directory "
                        + Locations.of(directory)
                        + " is in use by another run ("
                        + holder
                        + "); one run writes into a directory at a time: stop that run or choose"
                        + " another directory");
        this.directory = directory;
        this.holder = holder;
    }

    /**
     * Returns the locked directory of checkpoints.
     *
     * @return the directory
     */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Returns who holds the lock, as its lock file says.
     *
     * @return the holder
     */
    public String getHolder() {
        return holder;
    }
}
