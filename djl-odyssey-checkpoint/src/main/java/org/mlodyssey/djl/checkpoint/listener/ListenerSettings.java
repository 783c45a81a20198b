/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;

/**
 * The settings of a {@link CheckpointListener}, set through its {@link CheckpointListener.Builder},
 * their checks, and the parts of the listener they make: the trigger, the retention rules, the
 * writer and the saving; where the checkpoints live and where a resume restores from are {@link
 * StorageSettings}'. Nothing here touches a file.
 */
abstract class ListenerSettings extends StorageSettings {

    private WriteOptions writeOptions = WriteOptions.defaults();
    private int everyEpochs = 1;
    private long everySteps;
    private long everyNanos;
    private boolean atEnd = true;
    private Monitor monitor;
    private int keepLast = RetentionPolicy.KEEP_ALL;
    private int keepBest;
    private int keepEvery;
    private boolean async = true;
    private int maxWritesInFlight = 1;
    private FailurePolicy failurePolicy = FailurePolicy.FAIL_AT_NEXT_SAVE;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, String> configuration = new LinkedHashMap<>();
    private long seed;
    private OptimizerStateAdapters adapters = OptimizerStateAdapters.builtIn();
    private Consumer<SavedCheckpoint> onSaved = saved -> {};
    private CheckpointSaver saver;

    /**
     * Saves at the end of every {@code n}-th epoch; 0 turns it off. Default 1.
     *
     * @param n the period in epochs
     * @return this builder
     */
    public CheckpointListener.Builder optEveryEpochs(int n) {
        this.everyEpochs = n;
        return self();
    }

    /**
     * Saves every {@code n} training steps (after the step with the resumable loop; with {@code
     * EasyTrain.fit} at the next batch's {@code onTrainingBatch}, before its step, or at the
     * epoch's end when the step ended an epoch); 0 turns it off. Default off.
     *
     * @param n the period in steps
     * @return this builder
     */
    public CheckpointListener.Builder optEverySteps(long n) {
        this.everySteps = n;
        return self();
    }

    /**
     * Saves when this much wall-clock time has passed since the previous save (checked where the
     * other periods are); 0 turns it off. Default off.
     *
     * @param seconds the period in seconds
     * @return this builder
     */
    public CheckpointListener.Builder optEverySeconds(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("Invalid everySeconds " + seconds);
        }
        this.everyNanos = Math.round(seconds * 1e9);
        return self();
    }

    /**
     * Whether to save when training ends ({@code onTrainingEnd}), unless that position is saved
     * already. Default true.
     *
     * @param atEnd whether to save at the end
     * @return this builder
     */
    public CheckpointListener.Builder optAtEnd(boolean atEnd) {
        this.atEnd = atEnd;
        return self();
    }

    /**
     * Saves at the end of each epoch whose value of a metric is better than every earlier epoch's,
     * and ranks checkpoints by it for {@link #optKeepBest}.
     *
     * @param metric the evaluator's name, such as {@code loss}, matched regardless of case; a name
     *     the trainer has no evaluator of fails when the trainer is created, listing the valid ones
     * @param mode whether lower or higher is better
     * @param onValidation whether to watch the validation value rather than the training one
     * @return this builder
     */
    public CheckpointListener.Builder optMonitor(
            String metric, Monitor.Mode mode, boolean onValidation) {
        this.monitor = new Monitor(metric, mode, onValidation);
        return self();
    }

    /**
     * Keeps the {@code k} newest checkpoints (besides those other rules keep). Default: all.
     *
     * @param k how many, at least 1
     * @return this builder
     */
    public CheckpointListener.Builder optKeepLast(int k) {
        this.keepLast = k;
        return self();
    }

    /**
     * Keeps the {@code k} best checkpoints by the monitored metric (needs {@link #optMonitor}).
     * Default 0.
     *
     * @param k how many
     * @return this builder
     */
    public CheckpointListener.Builder optKeepBest(int k) {
        this.keepBest = k;
        return self();
    }

    /**
     * Keeps every {@code m}-th checkpoint of the run permanently (ordinals {@code m}, {@code 2m},
     * ..., counted across resumes). Default 0, off.
     *
     * @param m the period
     * @return this builder
     */
    public CheckpointListener.Builder optKeepEvery(int m) {
        this.keepEvery = m;
        return self();
    }

    /**
     * Whether to write on a background thread. Default true.
     *
     * @param async false to write on the training thread
     * @return this builder
     */
    public CheckpointListener.Builder optAsync(boolean async) {
        this.async = async;
        return self();
    }

    /**
     * How many writes may be in flight at once; each holds a snapshot in host memory. Default 1.
     *
     * @param n at least 1
     * @return this builder
     */
    public CheckpointListener.Builder optMaxWritesInFlight(int n) {
        this.maxWritesInFlight = n;
        return self();
    }

    /**
     * What a failed write does. Default {@link FailurePolicy#FAIL_AT_NEXT_SAVE}.
     *
     * @param policy the policy
     * @return this builder
     */
    public CheckpointListener.Builder optFailurePolicy(FailurePolicy policy) {
        this.failurePolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Adds user metadata recorded in every checkpoint's manifest.
     *
     * @param key the key, not starting with {@code checkpointListener.}
     * @param value the value
     * @return this builder
     */
    public CheckpointListener.Builder addMetadata(String key, String value) {
        if (key.startsWith(CheckpointListener.META_PREFIX)) {
            throw new IllegalArgumentException(
                    "Metadata key '"
                            + key
                            + "' is reserved ("
                            + CheckpointListener.META_PREFIX
                            + "*)");
        }
        metadata.put(key, Objects.requireNonNull(value, "value"));
        return self();
    }

    /**
     * Declares a setting of the run (such as the batch size or the learning rate): recorded in
     * every checkpoint's manifest as {@link #addMetadata} does, and checked when resuming: a
     * checkpoint that records another value for the key is not restored, and {@link
     * CheckpointListener#resume} throws a {@link
     * org.mlodyssey.djl.checkpoint.training.ConfigurationMismatchException} naming the key.
     *
     * @param key the key, not starting with {@code checkpointListener.}
     * @param value the value in this run
     * @return this builder
     */
    public CheckpointListener.Builder addConfiguration(String key, String value) {
        addMetadata(key, value);
        configuration.put(key, value);
        return self();
    }

    /**
     * Sets the run seed recorded with {@code EasyTrain.fit} when the run is not resumed. Default 0.
     *
     * <p>The listener seeds the engine from it before weight initialisation and before every step,
     * so a seed set earlier with DJL's {@code Engine.getInstance().setRandomSeed} does not reach
     * the run: pass the run's seed here (different seeds give different runs; the same seed gives
     * bit-identical ones).
     *
     * @param seed the seed
     * @return this builder
     */
    public CheckpointListener.Builder optSeed(long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * Sets the optimizer state adapters. Default {@link OptimizerStateAdapters#builtIn()}.
     *
     * @param adapters the adapters
     * @return this builder
     */
    public CheckpointListener.Builder optOptimizerStateAdapters(OptimizerStateAdapters adapters) {
        this.adapters = Objects.requireNonNull(adapters, "adapters");
        return self();
    }

    /**
     * Sets a callback told about each committed checkpoint, on the writing thread.
     *
     * @param onSaved the callback
     * @return this builder
     */
    public CheckpointListener.Builder optOnSaved(Consumer<SavedCheckpoint> onSaved) {
        this.onSaved = Objects.requireNonNull(onSaved, "onSaved");
        return self();
    }

    /**
     * Sets how the checkpoints' tensor files are written, e.g. {@code
     * WriteOptions.builder().optCompression(Compression.zstd(3)).build()}; compression then runs
     * where the checkpoint is written (on the writer thread when asynchronous).
     *
     * @param options the write options of {@link CheckpointDirectories#save(Path,
     *     org.mlodyssey.djl.checkpoint.training.TrainingSnapshot, Map, WriteOptions)}
     * @return this builder
     */
    public CheckpointListener.Builder optWriteOptions(WriteOptions options) {
        this.writeOptions = Objects.requireNonNull(options, "options");
        this.saver = null;
        return self();
    }

    CheckpointListener.Builder optSaver(CheckpointSaver saver) {
        this.saver = Objects.requireNonNull(saver, "saver");
        return self();
    }

    ListenerSettings() {}

    /**
     * Checks the settings no part checks itself.
     *
     * @throws IllegalArgumentException if no directory is set or {@code maxWritesInFlight} is below
     *     1
     */
    void validate() {
        validatePlace();
        if (maxWritesInFlight < 1) {
            throw new IllegalArgumentException(
                    "maxWritesInFlight must be at least 1, got " + maxWritesInFlight);
        }
    }

    /** Makes the trigger; checks the periods. */
    CheckpointTrigger trigger() {
        return new CheckpointTrigger(
                everyEpochs, everySteps, everyNanos, atEnd, monitor, System::nanoTime);
    }

    /** Makes the retention rules; checks the counts. */
    RetentionPolicy retention() {
        return new RetentionPolicy(keepLast, keepBest, keepEvery, monitor);
    }

    /** Makes the saving of snapshots into a directory of checkpoints. */
    CheckpointSaving saving(
            CheckpointDirectory dir, CheckpointRegistry registry, CheckpointTrigger trigger) {
        return new CheckpointSaving(
                dir,
                registry,
                trigger,
                new SnapshotWriter(
                        async,
                        maxWritesInFlight,
                        failurePolicy,
                        "checkpoint-writer-" + dir.getRoot().getFileName()),
                adapters,
                saver != null
                        ? saver
                        : (root, snapshot, metadata) -> dir.save(snapshot, metadata, writeOptions),
                async,
                onSaved,
                monitor,
                Map.copyOf(metadata));
    }

    long seed() {
        return seed;
    }

    Map<String, String> configuration() {
        return Map.copyOf(configuration);
    }

    Monitor monitor() {
        return monitor;
    }

    OptimizerStateAdapters adapters() {
        return adapters;
    }
}
