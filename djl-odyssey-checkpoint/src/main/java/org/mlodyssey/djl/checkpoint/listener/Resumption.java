/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.EvaluatorAccumulators;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link CheckpointListener#resume} does: restores a trainer from the listener's {@link
 * ResumeSource}, renames aside the checkpoints positioned after the restored one, puts the
 * evaluators' running totals back, protects the restored checkpoint and points {@code latest} at
 * it, and restarts the {@link SaveSchedule} there. A failure makes the listener save and delete
 * nothing for the rest of the run ({@link DirectoryClaim#fail}).
 */
final class Resumption {

    // CheckpointListener's logger on purpose: log configurations naming it keep working.
    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    private final CheckpointDirectory directory;
    private final ResumeSource.Origin origin;
    private final long seed;
    private final OptimizerStateAdapters adapters;
    private final Map<String, String> configuration;
    private final CheckpointRegistry registry;
    private final DirectoryClaim claim;
    private final CheckpointSaving saving;
    private final SaveSchedule schedule;

    /** The checkpoint restored last; null before a resume or when the run started anew. */
    private Path resumedFrom;

    Resumption(
            ResumeSource.Origin origin,
            ListenerSettings settings,
            CheckpointDirectory directory,
            CheckpointRegistry registry,
            DirectoryClaim claim,
            CheckpointSaving saving,
            SaveSchedule schedule) {
        this.directory = directory;
        this.origin = origin;
        this.seed = settings.seed();
        this.adapters = settings.adapters();
        this.configuration = settings.configuration();
        this.registry = registry;
        this.claim = claim;
        this.saving = saving;
        this.schedule = schedule;
    }

    /**
     * Resumes a trainer, as {@link CheckpointListener#resume} says.
     *
     * @param trainer the trainer, initialized
     * @return the position to continue from
     * @throws IOException if the directory cannot be listed or a file cannot be read or moved
     * @throws IllegalStateException if the trainer is not initialized, or a resume failed before
     */
    TrainingProgress resume(Trainer trainer) throws IOException {
        Objects.requireNonNull(trainer, "trainer");
        if (claim.failure() != null) {
            throw new IllegalStateException(
                    "The checkpoint listener of " + directory + " failed to resume before",
                    claim.failure());
        }
        if (!trainer.getModel().getBlock().isInitialized()) {
            throw new IllegalStateException(
                    "The trainer's model is not initialized: call trainer.initialize(...) before"
                            + " resuming");
        }
        if (schedule.stepped()) {
            // This listener trained the trainer in this JVM: its live state is the newest.
            saving.awaitWrites();
            return schedule.position();
        }
        TrainingProgress progress;
        try {
            claim.open();
            ResumeSource.Restored restored = origin.restore(trainer, seed, adapters, configuration);
            progress = restored.progress();
            schedule.restoredTo(progress);
            registry.forget(directory.moveAsideAfter(progress));
            Path from = restored.checkpoint().orElse(null);
            if (from != null) {
                String earlier =
                        restored.metadata().getOrDefault(CheckpointListener.META_RESUMED_AT, "");
                saving.setResumedAt(resumedAtSteps(earlier, progress.globalStep()));
                resumedFrom = from;
                String totals = restored.metadata().get(CheckpointListener.META_EVALUATORS);
                if (totals != null) {
                    EvaluatorAccumulators.restore(trainer, totals);
                }
                registry.protect(from);
                if (directory.contains(from)) {
                    directory.pointLatestAt(from);
                }
            }
            saving.markSaved(from == null ? null : progress);
        } catch (IOException e) {
            failed();
            claim.fail(e);
            throw e;
        } catch (RuntimeException e) {
            failed();
            claim.fail(e);
            throw e;
        }
        claim.resumed();
        schedule.restart();
        return progress;
    }

    /** Logs that the resume failed (the caller records the failure in the claim). */
    private void failed() {
        logger.error(
                "Resuming into {} failed: this checkpoint listener saves and deletes nothing"
                        + " for the rest of the run",
                directory);
    }

    /**
     * Returns the checkpoint restored.
     *
     * @return its directory, or empty before a resume or when the run started anew
     */
    Optional<Path> resumedFrom() {
        return Optional.ofNullable(resumedFrom);
    }

    /**
     * Adds the step a run resumes at to those its checkpoint's run resumed at.
     *
     * @param earlier the restored checkpoint's {@link CheckpointListener#META_RESUMED_AT} value, or
     *     empty
     * @param step the global step resumed at
     * @return the steps, comma-separated, oldest first
     */
    static String resumedAtSteps(String earlier, long step) {
        return (earlier.isEmpty() ? "" : earlier + ",") + step;
    }
}
