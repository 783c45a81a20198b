/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.ConfigurationMismatchException;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.ParameterLoadMode;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run resumes from: one checkpoint directory, or the newest valid checkpoint of a directory
 * of checkpoints (named directly or through its {@code latest} pointer, which is advisory: the
 * newest valid checkpoint wins, and a disagreement is logged as a warning).
 */
final class ResumeSource {

    private static final Logger logger = LoggerFactory.getLogger(ResumeSource.class);

    /**
     * What a resume restored.
     *
     * @param progress where the run continues
     * @param checkpoint the checkpoint restored, or empty for a new run
     * @param metadata the restored checkpoint's manifest metadata, empty for a new run
     */
    record Restored(
            TrainingProgress progress, Optional<Path> checkpoint, Map<String, String> metadata) {}

    /** A source a listener resumes from, with the settings of the resume. */
    @FunctionalInterface
    interface Origin {

        /**
         * Restores a trainer from this source.
         *
         * @param trainer the trainer, initialized
         * @param seed the run seed of a new run
         * @param adapters the optimizer state adapters
         * @param configuration settings the checkpoint's metadata must not contradict
         * @return what was restored
         * @throws IOException if a directory cannot be listed or a file cannot be read
         */
        Restored restore(
                Trainer trainer,
                long seed,
                OptimizerStateAdapters adapters,
                Map<String, String> configuration)
                throws IOException;
    }

    private ResumeSource() {}

    /**
     * Restores from a checkpoint in a bucket ({@code s3://bucket/prefix/step-…}), or from the
     * newest valid checkpoint of a bucket's prefix of checkpoints.
     *
     * @param trainer the trainer, initialized
     * @param source the location, opened (and closed) here
     * @param name the checkpoint's name, or {@code null} for the newest valid one
     * @param seed the run seed of a new run
     * @param adapters the optimizer state adapters
     * @param configuration settings the checkpoint's metadata must not contradict
     * @return what was restored
     * @throws IOException if the bucket cannot be listed or an object cannot be read
     */
    static Restored restoreRemote(
            Trainer trainer,
            Supplier<CheckpointDirectory> source,
            String name,
            long seed,
            OptimizerStateAdapters adapters,
            Map<String, String> configuration)
            throws IOException {
        try (CheckpointDirectory directory = source.get()) {
            if (name == null) {
                return restoreNewest(trainer, directory, seed, false, adapters, configuration);
            }
            return restored(trainer, directory.open(name), adapters, configuration);
        }
    }

    /**
     * Restores a trainer from a source.
     *
     * @param trainer the trainer, initialized
     * @param source a checkpoint directory, a directory of checkpoints or a {@code latest} file
     * @param seed the run seed of a new run
     * @param adapters the optimizer state adapters
     * @param configuration settings the checkpoint's metadata must not contradict
     * @return what was restored
     * @throws IOException if a directory cannot be listed or a file cannot be read
     * @throws org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException if a named
     *     checkpoint is not valid
     * @throws org.mlodyssey.djl.checkpoint.training.ConfigurationMismatchException if a setting of
     *     {@code configuration} has another value in the checkpoint (nothing is restored)
     * @throws org.mlodyssey.djl.checkpoint.training.IncompatibleCheckpointException if the
     *     checkpoint does not fit the trainer
     */
    static Restored restore(
            Trainer trainer,
            Path source,
            long seed,
            OptimizerStateAdapters adapters,
            Map<String, String> configuration)
            throws IOException {
        Path file = source.getFileName();
        if (file != null
                && file.toString().equals(LatestPointer.FILE_NAME)
                && Files.isRegularFile(source)) {
            return restoreNewest(
                    trainer,
                    source.toAbsolutePath().getParent(),
                    seed,
                    true,
                    adapters,
                    configuration);
        }
        if (Files.isRegularFile(source.resolve(TrainingCheckpointManifest.FILE_NAME))) {
            return restored(trainer, TrainingCheckpoint.open(source), adapters, configuration);
        }
        return restoreNewest(trainer, source, seed, false, adapters, configuration);
    }

    private static Restored restoreNewest(
            Trainer trainer,
            Path root,
            long seed,
            boolean pointerNamed,
            OptimizerStateAdapters adapters,
            Map<String, String> configuration)
            throws IOException {
        return restoreNewest(
                trainer, CheckpointDirectory.of(root), seed, pointerNamed, adapters, configuration);
    }

    /**
     * Restores the newest valid checkpoint of a directory of checkpoints (local or in a bucket), or
     * starts a new run when it has none.
     *
     * @param trainer the trainer, initialized
     * @param directory the directory of checkpoints
     * @param seed the run seed of a new run
     * @param adapters the optimizer state adapters to choose from
     * @param configuration the settings that must match the checkpoint's
     * @return what was restored
     * @throws IOException if the directory cannot be listed or a file cannot be read
     */
    static Restored restore(
            Trainer trainer,
            CheckpointDirectory directory,
            long seed,
            OptimizerStateAdapters adapters,
            Map<String, String> configuration)
            throws IOException {
        return restoreNewest(trainer, directory, seed, false, adapters, configuration);
    }

    private static Restored restoreNewest(
            Trainer trainer,
            CheckpointDirectory directory,
            long seed,
            boolean pointerNamed,
            OptimizerStateAdapters adapters,
            Map<String, String> configuration)
            throws IOException {
        Path root = directory.getRoot();
        Optional<TrainingCheckpoint> newest = directory.findLatestValid();
        String found = newest.map(c -> c.getDirectory().getFileName().toString()).orElse(null);
        if (pointerNamed) {
            String named;
            try {
                named = directory.readLatest().map(p -> p.getFileName().toString()).orElse(null);
            } catch (IOException e) {
                named = null;
                logger.warn("Cannot read the latest pointer of {}: {}", root, e.toString());
            }
            if (!Objects.equals(named, found)) {
                logger.warn(
                        "{} names {}, but the newest valid checkpoint is {}: resuming from {}",
                        root.resolve(LatestPointer.FILE_NAME),
                        named,
                        found,
                        found == null ? "the start (a new run)" : found);
            }
        }
        if (newest.isEmpty()) {
            logger.info("No valid training checkpoint in {}: starting a new run", directory);
            return new Restored(TrainingProgress.start(seed), Optional.empty(), Map.of());
        }
        return restored(trainer, newest.get(), adapters, configuration);
    }

    private static Restored restored(
            Trainer trainer,
            TrainingCheckpoint checkpoint,
            OptimizerStateAdapters adapters,
            Map<String, String> configuration)
            throws IOException {
        Map<String, String> saved = checkpoint.getManifest().metadata();
        for (Map.Entry<String, String> e : configuration.entrySet()) {
            String was = saved.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                throw new ConfigurationMismatchException(
                        checkpoint.getDirectory(), e.getKey(), e.getValue(), was);
            }
        }
        TrainingProgress p = checkpoint.restoreInto(trainer, adapters, ParameterLoadMode.STRICT);
        logger.info(
                "Resumed from {} (step {}, epoch {}, batch {})",
                Locations.of(checkpoint.getDirectory()),
                p.globalStep(),
                p.epoch(),
                p.batchInEpoch());
        return new Restored(p, Optional.of(checkpoint.getDirectory()), saved);
    }
}
