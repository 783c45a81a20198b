/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.ConfigurationMismatchException;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/**
 * How {@link TrainClassifier} applies {@code --resume} ({@link TrainingOptions#resume()}): which
 * checkpoint it resumes from, and a checkpoint of another configuration or a mode that does not fit
 * the directory as a {@link ResumeConflictException} naming the flag.
 */
final class ResumePolicy {

    private ResumePolicy() {}

    /**
     * Checks {@code --resume} against the checkpoint directory and returns the source to resume
     * from: null for the listener's own directory (auto, and never on an empty directory).
     */
    static Path source(TrainingOptions o) throws IOException {
        Path dir = o.checkpointDirectory();
        switch (o.resume()) {
            case "never":
                Optional<TrainingCheckpoint> existing;
                try (CheckpointDirectory checkpoints = CheckpointLocations.open(dir)) {
                    existing = checkpoints.findLatestValid();
                }
                if (existing.isPresent()) {
                    throw new ResumeConflictException(
                            "--resume never, but --checkpoint-dir "
                                    + dir
                                    + " already holds checkpoints (newest "
                                    + existing.get().getDirectory().getFileName()
                                    + "); use an empty --checkpoint-dir, or --resume auto");
                }
                return null;
            case "auto":
                return null;
            default:
                if (CheckpointStores.isRemote(o.resume())) {
                    return null; // checked when the listener resumes
                }
                Path given = Path.of(o.resume());
                boolean pointer =
                        Files.isRegularFile(given)
                                && given.getFileName().toString().equals(LatestPointer.FILE_NAME);
                if (!pointer && !Files.isDirectory(given)) {
                    throw new ResumeConflictException(
                            "--resume "
                                    + o.resume()
                                    + ": no such checkpoint directory (expected auto, never, a"
                                    + " checkpoint directory or a 'latest' file)");
                }
                return given;
        }
    }

    /**
     * Resumes through the listener (the library's one resume path); a checkpoint of another
     * configuration is a usage error naming the flag.
     */
    static TrainingProgress resume(CheckpointListener listener, Trainer trainer)
            throws IOException {
        try {
            return listener.resume(trainer);
        } catch (ConfigurationMismatchException e) {
            String flag = "--" + e.getKey().substring(TrainClassifier.META_PREFIX.length());
            throw new ResumeConflictException(
                    flag
                            + " "
                            + e.getValue()
                            + " differs from "
                            + flag
                            + " "
                            + e.getSavedValue()
                            + " of the checkpoint "
                            + e.getCheckpoint()
                            + "; resume with the same "
                            + flag
                            + ", or start a new run in another --checkpoint-dir");
        }
    }
}
