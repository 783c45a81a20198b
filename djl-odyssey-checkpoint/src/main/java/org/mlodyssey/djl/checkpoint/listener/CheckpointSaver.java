/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/** Saves a snapshot into a directory of checkpoints; {@link CheckpointDirectory#save}. */
@FunctionalInterface
interface CheckpointSaver {

    /**
     * Saves and commits.
     *
     * @param root the directory of checkpoints
     * @param snapshot the snapshot
     * @param metadata manifest metadata
     * @return the committed checkpoint directory
     * @throws IOException if nothing could be committed
     */
    Path save(Path root, TrainingSnapshot snapshot, Map<String, String> metadata)
            throws IOException;
}
