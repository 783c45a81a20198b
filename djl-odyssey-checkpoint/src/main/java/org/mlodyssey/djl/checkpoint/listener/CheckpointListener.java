/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.EvaluatorAccumulators;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.StepListener;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves training checkpoints automatically: decides when ({@link CheckpointTrigger}), takes a
 * host-memory snapshot and hands the writing to a background thread ({@link SnapshotWriter}); the
 * directory of checkpoints ({@link CheckpointDirectory}) and the registry of saved ones ({@link
 * CheckpointRegistry}: retention, holds, best value) do the rest.
 *
 * <p>Two ways to use it:
 *
 * <ul>
 *   <li>With {@code EasyTrain.fit} (or {@link ResumableTraining#fit}, which resumes): add it to the
 *       {@code DefaultTrainingConfig}, after DJL's evaluator listeners ({@code
 *       TrainingListener.Defaults}). DJL's {@code onTrainingBatch} fires before {@code
 *       Trainer.step()}, so a save that a step made due (step or time period) is taken at the next
 *       batch's {@code onTrainingBatch}, before that batch's step, when the state is exactly that
 *       of the steps completed; epoch-end, best-metric and end-of-training saves are taken in
 *       {@code onEpoch} and {@code onTrainingEnd}.
 *   <li>With {@link org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop}: also add it as a
 *       step listener. It then saves right after {@code Trainer.step()} and at each epoch's end.
 * </ul>
 *
 * <p>A run writes into its directory alone: the listener locks it ({@code .lock}) from the
 * trainer's creation ({@code onTrainingBegin}) or {@link #resume} until training ends; another
 * listener or process gets a {@link
 * org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryLockedException} naming the holder.
 *
 * <p>Nothing committed is lost: a listener whose {@link #resume} failed saves and deletes nothing
 * (and says so when training ends); the end of training saves only when a step ran since the run
 * started or resumed; retention never deletes a checkpoint positioned after the one just saved.
 *
 * <p>Saving is asynchronous by default: the training thread waits for the previous write if it is
 * still running (at most {@code maxWritesInFlight}, default 1, so memory stays bounded), takes a
 * host-memory snapshot into reused buffers ({@link HostArrayPool}), and goes on; one background
 * thread writes and commits. After each commit the {@code latest} pointer is replaced and the
 * retention rules delete what they no longer keep. The end of training ({@code onTrainingEnd},
 * fired by {@code Trainer.close()}) or {@link #close()} waits for pending writes. A failed write is
 * logged and handled by the {@link FailurePolicy}.
 */
public final class CheckpointListener extends TrainingListenerAdapter
        implements StepListener, AutoCloseable {

    /** Manifest metadata key: the how-manieth checkpoint of the run, from 1. */
    public static final String META_ORDINAL = "checkpointListener.ordinal";

    /** Manifest metadata key: the monitored metric's key, when the checkpoint has a value. */
    public static final String META_MONITOR = "checkpointListener.monitor";

    /** Manifest metadata key: the monitored metric's value at the checkpoint. */
    public static final String META_MONITOR_VALUE = "checkpointListener.monitorValue";

    /** Manifest metadata key: why the checkpoint was saved, comma-separated. */
    public static final String META_REASONS = "checkpointListener.reasons";

    /**
     * Manifest metadata key: the running totals of the trainer's evaluators ({@link
     * EvaluatorAccumulators}), restored on resume.
     */
    public static final String META_EVALUATORS = "checkpointListener.evaluators";

    /** Manifest metadata key: the global steps the run resumed at so far, comma-separated. */
    public static final String META_RESUMED_AT = "checkpointListener.resumedAtSteps";

    static final String META_PREFIX = "checkpointListener.";

    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    private final CheckpointDirectory directory;
    private final OptimizerStateAdapters adapters;
    private final Monitor monitor;
    private final CheckpointRegistry registry;
    private final CheckpointSaving saving;
    private final DirectoryClaim claim;
    private final SaveSchedule schedule;
    private final Resumption resumption;
    private final EndOfRun end;

    /**
     * The trainer whose {@code onTrainingBegin} this listener accepted; only its end of training
     * counts (a trainer refused at its creation may still be closed, by its finalizer for one).
     */
    private Trainer begun;

    private CheckpointListener(ListenerSettings settings) {
        CheckpointTrigger trigger = settings.trigger();
        RetentionPolicy policy = settings.retention();
        this.directory = settings.checkpointDirectory();
        ResumeSource.Origin resumeFrom = settings.resumeFrom(directory);
        this.adapters = settings.adapters();
        this.monitor = settings.monitor();
        this.registry = new CheckpointRegistry(directory, policy, monitor);
        this.saving = settings.saving(directory, registry, trigger);
        this.claim = new DirectoryClaim(directory, registry, trigger);
        this.schedule = new SaveSchedule(settings.seed(), trigger, registry, claim, saving);
        this.resumption =
                new Resumption(resumeFrom, settings, directory, registry, claim, saving, schedule);
        this.end = new EndOfRun(directory, claim, schedule, saving);
    }

    /**
     * Starts a listener configuration.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fired when the trainer is created: checks that the optimizer's state can be saved and that
     * the monitored metric is one of the trainer's evaluators, locks the directory of checkpoints
     * and seeds the engine from the run seed ({@link Builder#optSeed}), so that {@code
     * trainer.initialize} draws the same initial weights in every run of that seed.
     */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        adapters.forTrainer(trainer);
        if (monitor != null) {
            monitor.checkAgainst(trainer);
        }
        claim.open();
        begun = trainer;
        schedule.beforeInitialization();
    }

    /**
     * Resumes in one call: restores the newest valid checkpoint of this listener's directory (or of
     * the source set with {@link Builder#optResumeFrom}) into a trainer, or starts a new run with
     * the builder's seed when there is none. Call it after {@code trainer.initialize} and before
     * training. Once this listener has seen a step in this JVM, it restores nothing: it waits for
     * the writes in flight and returns where the live trainer stands, so a second {@link
     * ResumableTraining#fit} continues the live run.
     *
     * <p>The restored checkpoint is protected from deletion for the rest of the run; checkpoint
     * directories positioned after it (not valid, since the newest valid one is restored, or left
     * by an abandoned timeline) are renamed aside to {@code .<name>.abandoned-<timestamp>}, which
     * no search for checkpoints considers, with a warning: training saves those positions again.
     * {@code latest} then names the restored checkpoint. If the resume fails, the listener saves
     * and deletes nothing for the rest of the run.
     *
     * @param trainer the trainer, built as for the saved run and initialized
     * @return the position to continue from
     * @throws IOException if the directory cannot be listed or a file cannot be read or moved
     * @throws org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException if a
     *     checkpoint named by {@link Builder#optResumeFrom} is not valid
     * @throws org.mlodyssey.djl.checkpoint.training.IncompatibleCheckpointException if the
     *     checkpoint does not fit the trainer
     * @throws IllegalStateException if the trainer is not initialized, or a resume failed before
     */
    public TrainingProgress resume(Trainer trainer) throws IOException {
        return resumption.resume(trainer);
    }

    /**
     * Protects a committed checkpoint from deletion while it is read, until the hold is closed.
     *
     * @param checkpoint a checkpoint directory of this listener's directory
     * @return the hold; close it when done reading
     * @throws IllegalStateException if the checkpoint does not exist (any more)
     */
    public Hold hold(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().normalize();
        registry.hold(dir);
        return new Hold(dir);
    }

    /** A checkpoint kept from deletion while open ({@link #hold}). */
    public final class Hold implements AutoCloseable {

        private final Path directory;
        private boolean released;

        private Hold(Path directory) {
            this.directory = directory;
        }

        /** Releases the hold; the retention rules apply again at the next commit. */
        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                registry.release(directory);
            }
        }
    }

    /**
     * Returns the directory of checkpoints.
     *
     * @return the absolute directory
     */
    public Path getDirectory() {
        return directory.getRoot();
    }

    /**
     * Returns the checkpoint {@link #resume} restored.
     *
     * @return its directory, or empty before a resume or when the run started anew
     */
    public Optional<Path> getResumedFrom() {
        return resumption.resumedFrom();
    }

    /**
     * Tells where the checkpoint the run resumed from is: its directory, or {@code
     * s3://bucket/prefix/step-…} for one in a bucket (which {@link #getResumedFrom()} carries as
     * the path {@code /s3:/bucket/prefix/step-…}).
     *
     * @return the location, or empty for a new run
     */
    public Optional<String> getResumedFromLocation() {
        return getResumedFrom().map(Locations::of);
    }

    /**
     * Returns every failed checkpoint write so far, whatever the failure policy.
     *
     * @return the failures, oldest first
     */
    public List<CheckpointWriteException> getFailures() {
        return saving.failures();
    }

    /**
     * Returns the committed checkpoints this listener manages (written by it or an earlier run of
     * it in the same directory) and has not deleted.
     *
     * @return the directories, oldest first
     */
    public List<Path> getCheckpoints() {
        return registry.list();
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@code EasyTrain.fit}, DJL calls this after the batch's forward and backward pass and
     * before {@code Trainer.step()}: parameters and optimizer state are still those after the
     * previous step. So this is where a save the previous step made due is taken, of the state
     * after the steps completed. Then the engine is reseeded for the next step ({@link
     * org.mlodyssey.djl.checkpoint.training.SeedSchedule#beforeStep}), so that its batch and its
     * dropout draw the same random numbers after a resume.
     */
    @Override
    public void onTrainingBatch(Trainer trainer, TrainingListener.BatchData batchData) {
        schedule.onTrainingBatch(trainer);
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@code EasyTrain.fit}: the epoch's steps and validation are done; saves if a rule
     * says so, once for the epoch end and a step period that ends with the epoch's last step. Then
     * the engine is reseeded for the next epoch's first step.
     */
    @Override
    public void onEpoch(Trainer trainer) {
        schedule.onEpoch(trainer);
    }

    /** {@inheritDoc} */
    @Override
    public void afterStep(Trainer trainer, TrainingProgress at) {
        afterStep(trainer, at, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>At an epoch's last step, a save due by the step period is left to {@link #afterEpoch}, at
     * the same global step: the position is saved once, as the epoch's end.
     */
    @Override
    public void afterStep(Trainer trainer, TrainingProgress at, boolean epochEndFollows) {
        schedule.afterStep(trainer, at, epochEndFollows);
    }

    /** {@inheritDoc} */
    @Override
    public void afterEpoch(Trainer trainer, TrainingProgress at) {
        schedule.afterEpoch(trainer, at);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fired by {@code Trainer.close()}: waits for the writes in flight, saves if saving at the
     * end is on, a step ran since the run started or resumed, and the position is not committed
     * already; waits for that write, stops the writing thread, frees the snapshot memory and
     * unlocks the directory. It throws nothing, so that DJL closes the trainer and tells the later
     * listeners: a failure is logged and recorded, and {@link #close()} throws it as the failure
     * policy says. Close the listener after the trainer (declare it first in the same {@code
     * try}-with-resources). The end of a trainer this listener refused at its creation (its {@code
     * onTrainingBegin} threw) does nothing.
     */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (claim.isEnded() || claim.isClosed()) {
            return;
        }
        if (trainer != begun) {
            logger.debug(
                    "The end of a trainer this checkpoint listener of {} refused: ignored",
                    directory);
            return;
        }
        begun = null;
        end.endTraining(trainer);
    }

    /**
     * Waits for pending writes, stops the writing thread, frees the snapshot memory and unlocks the
     * directory; then reports failures. Closing again has no effect.
     *
     * @throws CheckpointWriteException unless the policy is {@link FailurePolicy#TOLERATE}, for a
     *     failed write not reported yet (later ones suppressed)
     * @throws RuntimeException what made the save at the end of training fail before its write
     *     (taking the snapshot, for instance), whatever the policy
     */
    @Override
    public void close() {
        end.close();
    }

    /**
     * Configures a {@link CheckpointListener}; the settings and their checks are {@link
     * ListenerSettings}'.
     */
    public static final class Builder extends ListenerSettings {

        Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the listener after checking every setting; touches no file (the directory is
         * locked and read when the trainer is created or {@link CheckpointListener#resume} is
         * called).
         *
         * @return the listener
         * @throws IllegalArgumentException if no directory is set, a setting is out of range (a
         *     negative period or count, {@code keepLast} or {@code maxWritesInFlight} below 1), or
         *     {@code keepBest} lacks a monitor
         */
        public CheckpointListener build() {
            validate();
            return new CheckpointListener(this);
        }
    }
}
