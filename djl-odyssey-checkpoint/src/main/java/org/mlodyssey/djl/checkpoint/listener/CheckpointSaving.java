/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.internal.ForwardState;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.EvaluatorAccumulators;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saving half of a {@link CheckpointListener}: takes a host-memory snapshot into reused buffers
 * ({@link HostArrayPool}) on the training thread, hands it to the {@link SnapshotWriter}, and after
 * each commit points {@code latest} at it, tells the {@link CheckpointRegistry} (which applies
 * retention) and logs one line. A position is saved once.
 */
final class CheckpointSaving {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    private final CheckpointDirectory directory;
    private final CheckpointRegistry registry;
    private final CheckpointTrigger trigger;
    private final SnapshotWriter writer;
    private final HostArrayPool pool = new HostArrayPool();
    private final OptimizerStateAdapters adapters;
    private final CheckpointSaver saver;
    private final boolean async;
    private final Consumer<SavedCheckpoint> onSaved;
    private final Monitor monitor;
    private final Map<String, String> metadata;

    // The position saved last, committed or in flight; cleared by the writing thread on failure.
    private final AtomicReference<String> lastSaved = new AtomicReference<>();

    // Training thread: the steps the run resumed at, comma-separated, or empty.
    private String resumedAt = "";

    CheckpointSaving(
            CheckpointDirectory directory,
            CheckpointRegistry registry,
            CheckpointTrigger trigger,
            SnapshotWriter writer,
            OptimizerStateAdapters adapters,
            CheckpointSaver saver,
            boolean async,
            Consumer<SavedCheckpoint> onSaved,
            Monitor monitor,
            Map<String, String> metadata) {
        this.directory = directory;
        this.registry = registry;
        this.trigger = trigger;
        this.writer = writer;
        this.adapters = adapters;
        this.saver = saver;
        this.async = async;
        this.onSaved = onSaved;
        this.monitor = monitor;
        this.metadata = metadata;
    }

    /**
     * Records a position as saved (the checkpoint a run resumed from), or none.
     *
     * @param position the position, or null
     */
    void markSaved(TrainingProgress position) {
        lastSaved.set(position == null ? null : CheckpointDirectories.directoryName(position));
    }

    /**
     * Sets the steps the run resumed at, which every later checkpoint records ({@link
     * CheckpointListener#META_RESUMED_AT}).
     *
     * @param steps the steps, comma-separated
     */
    void setResumedAt(String steps) {
        resumedAt = steps;
    }

    /** Waits for the writes in flight. */
    void awaitWrites() {
        writer.awaitWrites();
    }

    /**
     * Waits for the writes, stops the writing thread and frees the snapshot memory.
     *
     * @return false if interrupted while waiting
     */
    boolean finish() {
        try {
            return writer.finish();
        } finally {
            pool.close(); // arrays still lent to a write are freed when it ends
        }
    }

    /**
     * Closes the writer (throwing an unreported failure, as the policy says) and frees the memory.
     */
    void close() {
        try {
            writer.close();
        } finally {
            pool.close();
        }
    }

    /**
     * Returns every failed write so far.
     *
     * @return the failures, oldest first
     */
    List<CheckpointWriteException> failures() {
        return writer.failures();
    }

    /**
     * Saves a position, unless it is saved already: waits for a write slot, applies the failure
     * policy, takes the snapshot and hands it to the writer.
     *
     * @param trainer the trainer
     * @param at the position the trainer's state is at
     * @param reasons why, not empty
     * @param applyPolicy whether a failed earlier write is thrown here, as the policy says
     * @param totals the evaluators' running totals at {@code at}, or null to capture them now
     * @param beforeForward the parameters without gradient at {@code at}, or null to take them as
     *     they are
     */
    void save(
            Trainer trainer,
            TrainingProgress at,
            EnumSet<SaveReason> reasons,
            boolean applyPolicy,
            EvaluatorAccumulators.Totals totals,
            ForwardState beforeForward) {
        String name = CheckpointDirectories.directoryName(at);
        Float value = metricAt(at);
        // The trigger counts a new best as pending until told whether it was committed.
        Float pendingBest = reasons.contains(SaveReason.BEST) ? value : null;
        if (name.equals(lastSaved.get())) {
            if (pendingBest != null) {
                trigger.failed(pendingBest); // not saved again; the earlier save reports itself
            }
            if (applyPolicy) {
                writer.checkAtSave();
            }
            return;
        }
        long start = System.nanoTime();
        // The slot first: with one write in flight, the previous write has ended, so its
        // failure (if any) is known to checkAtSave.
        long waited = writer.awaitSlot();
        TrainingSnapshot snapshot;
        try {
            if (applyPolicy) {
                writer.checkAtSave();
            }
            snapshot = TrainingSnapshot.capture(trainer, at, adapters, pool, beforeForward);
        } catch (RuntimeException e) {
            writer.releaseSlot();
            if (pendingBest != null) {
                trigger.failed(pendingBest);
            }
            throw e;
        }
        long captured = System.nanoTime();
        long ordinal = registry.takeOrdinal();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(CheckpointListener.META_ORDINAL, Long.toString(ordinal));
        meta.put(
                CheckpointListener.META_EVALUATORS,
                totals != null ? totals.toJson() : EvaluatorAccumulators.capture(trainer));
        if (!resumedAt.isEmpty()) {
            meta.put(CheckpointListener.META_RESUMED_AT, resumedAt);
        }
        meta.put(
                CheckpointListener.META_REASONS,
                reasons.stream().map(Enum::name).collect(Collectors.joining(",")));
        if (value != null) {
            meta.put(CheckpointListener.META_MONITOR, monitor.key());
            meta.put(CheckpointListener.META_MONITOR_VALUE, Float.toString(value));
        }
        lastSaved.set(name);
        trigger.saved(at.globalStep());
        Path target = directory.resolve(at);
        Set<SaveReason> why = Set.copyOf(reasons);
        Path root = directory.getRoot();
        writer.submit(
                target,
                () -> {
                    long writeStart = System.nanoTime();
                    Path dir;
                    try (TrainingSnapshot s = snapshot) {
                        dir = saver.save(root, s, meta);
                    } catch (Throwable e) { // nothing committed: this position may be saved again
                        lastSaved.compareAndSet(name, null);
                        if (pendingBest != null) {
                            trigger.failed(pendingBest);
                        }
                        throw e;
                    }
                    long commit = System.nanoTime() - writeStart;
                    long blocked = async ? captured - start : System.nanoTime() - start;
                    committed(dir, ordinal, value, why, blocked, waited, commit);
                },
                applyPolicy);
    }

    /**
     * Everything after a commit; a failure here does not undo the commit and is no failed write: it
     * is logged as a warning, and the failure policy does not apply.
     */
    private void committed(
            Path dir,
            long ordinal,
            Float value,
            Set<SaveReason> why,
            long blocked,
            long waited,
            long commit) {
        if (value != null) {
            trigger.committed(value);
        }
        try {
            try {
                directory.pointLatestAt(dir);
            } catch (IOException e) {
                logger.warn(
                        "Committed {} but could not update latest: {}",
                        Locations.of(dir),
                        e.toString(),
                        e);
            }
            registry.committed(dir, ordinal, value);
            SavedCheckpoint saved =
                    new SavedCheckpoint(dir, why, directory.sizeOf(dir), blocked, waited, commit);
            logger.info(
                    "Saved checkpoint {} ({} MB, {}): training blocked {} ms",
                    dir.getFileName(),
                    String.format("%.1f", saved.bytes() / 1e6),
                    why,
                    millis(blocked));
            logger.debug(
                    "Checkpoint {}: {} bytes, waited {} ms for the previous write, written and"
                            + " committed in {} ms",
                    Locations.of(dir),
                    saved.bytes(),
                    millis(waited),
                    millis(commit));
            onSaved.accept(saved);
        } catch (IOException | RuntimeException e) {
            logger.warn(
                    "Committed checkpoint {}, but what follows the commit failed (the checkpoint"
                            + " stands): {}",
                    Locations.of(dir),
                    e.toString(),
                    e);
        }
    }

    private Float metricAt(TrainingProgress at) {
        if (monitor == null || at.batchInEpoch() != 0 || at.epochMetrics().isEmpty()) {
            return null;
        }
        return monitor.find(at.epochMetrics().get(at.epochMetrics().size() - 1));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
