/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.Locations;

/**
 * Thrown when a run that did not resume starts training in a directory that holds checkpoints: its
 * checkpoints would collide with, and mix with, those of the run that wrote them.
 */
public class CheckpointDirectoryNotEmptyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The directory of checkpoints. */
    private final transient Path directory;

    /** Its newest checkpoint. */
    private final transient Path newest;

    /**
     * Creates an exception for a directory that holds checkpoints.
     *
     * @param directory the directory of checkpoints
     * @param newest its newest checkpoint
     */
    public CheckpointDirectoryNotEmptyException(Path directory, Path newest) {
        super(
                "The checkpoint directory "
                        + Locations.of(directory)
                        + " holds checkpoints of a run (newest: "
                        + newest.getFileName()
                        + ") and this run did not resume: resume that run"
                        + " (ResumableTraining.fit, or CheckpointListener.resume(trainer) before"
                        + " training) or use an empty directory");
        this.directory = directory;
        this.newest = newest;
    }

    /**
     * Returns the directory of checkpoints.
     *
     * @return the directory
     */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Returns the directory's newest checkpoint.
     *
     * @return the newest checkpoint's directory
     */
    public Path getNewest() {
        return newest;
    }
}
