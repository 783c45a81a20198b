/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides when to save; knows nothing of trainers or files.
 *
 * <p>Rules, combinable (a save is due when any holds):
 *
 * <ul>
 *   <li>every N steps: a multiple of N steps has been crossed since the previous save (checked
 *       after each step in the resumable loop, at the end of each epoch with {@code
 *       EasyTrain.fit});
 *   <li>every T nanoseconds: at least T have passed since the previous save (or the start);
 *   <li>every N epochs: the number of epochs done is a multiple of N;
 *   <li>best: the monitored metric is strictly better than every earlier epoch's (checked at the
 *       end of each epoch);
 *   <li>at the end of training.
 * </ul>
 *
 * <p>A new best counts once its checkpoint is committed: a value whose save is in flight is
 * reported back with {@link #committed} or {@link #failed}; a failed one no longer counts, so a
 * later epoch as good is saved again. Thread-safe: the results come from the writing thread.
 */
final class CheckpointTrigger {

    private final int everyEpochs;
    private final long everySteps;
    private final long everyNanos;
    private final boolean atEnd;
    private final Monitor monitor;
    private final LongSupplier clock;
    private long lastSaveStep;
    private long lastSaveNanos;
    private Float best;
    private final List<Float> pendingBest = new ArrayList<>();

    /**
     * Creates a trigger policy; 0 turns a periodic rule off.
     *
     * @param everyEpochs save every this many epochs, or 0
     * @param everySteps save every this many steps, or 0
     * @param everyNanos save when this much time has passed since the previous save, or 0
     * @param atEnd save at the end of training
     * @param monitor the metric whose new best triggers a save, or {@code null}
     * @param clock a nanosecond clock
     * @throws IllegalArgumentException if a period is negative (the only place they are checked)
     */
    CheckpointTrigger(
            int everyEpochs,
            long everySteps,
            long everyNanos,
            boolean atEnd,
            Monitor monitor,
            LongSupplier clock) {
        if (everyEpochs < 0 || everySteps < 0 || everyNanos < 0) {
            throw new IllegalArgumentException(
                    "Negative checkpoint period: epochs "
                            + everyEpochs
                            + ", steps "
                            + everySteps
                            + ", nanoseconds "
                            + everyNanos);
        }
        this.everyEpochs = everyEpochs;
        this.everySteps = everySteps;
        this.everyNanos = everyNanos;
        this.atEnd = atEnd;
        this.monitor = monitor;
        this.clock = clock;
        this.lastSaveNanos = clock.getAsLong();
    }

    /**
     * Sets where counting starts: the step of the run's start (or resume), the time now, and the
     * best metric value of earlier checkpoints.
     *
     * @param globalStep the step the run starts at
     * @param bestSoFar the best monitored value seen before, or {@code null}
     */
    synchronized void start(long globalStep, Float bestSoFar) {
        lastSaveStep = globalStep;
        lastSaveNanos = clock.getAsLong();
        best = bestSoFar;
        pendingBest.clear();
    }

    /**
     * Decides after a step.
     *
     * @param globalStep the steps taken in total, this one included
     * @return the reasons to save now; empty for none
     */
    synchronized EnumSet<SaveReason> afterStep(long globalStep) {
        EnumSet<SaveReason> reasons = EnumSet.noneOf(SaveReason.class);
        if (everySteps > 0 && globalStep / everySteps > lastSaveStep / everySteps) {
            reasons.add(SaveReason.STEPS);
        }
        if (everyNanos > 0 && clock.getAsLong() - lastSaveNanos >= everyNanos) {
            reasons.add(SaveReason.SECONDS);
        }
        return reasons;
    }

    /**
     * Whether {@link #afterStep} may find a save due at a step, asked before that step is taken: by
     * the step period exactly (only a save in between moves it, and a save makes it less due), and
     * always when the time period is on (time passes until then).
     *
     * @param globalStep the steps taken in total once that step is taken
     * @return false only if {@link #afterStep} for that step will find no reason to save
     */
    synchronized boolean mayBeDueAfterStep(long globalStep) {
        return everyNanos > 0
                || (everySteps > 0 && globalStep / everySteps > lastSaveStep / everySteps);
    }

    /**
     * Decides at the end of an epoch; also applies the step and time rules, for loops that can save
     * only there. Records a new best value of the monitored metric.
     *
     * @param epochsDone the epochs finished in total, this one included
     * @param globalStep the steps taken in total
     * @param evaluations the trainer's evaluations at the end of the epoch
     * @return the reasons to save now; empty for none
     * @throws IllegalStateException if a monitored metric is missing from the evaluations
     */
    synchronized EnumSet<SaveReason> afterEpoch(
            int epochsDone, long globalStep, Map<String, Float> evaluations) {
        EnumSet<SaveReason> reasons = afterStep(globalStep);
        if (everyEpochs > 0 && epochsDone % everyEpochs == 0) {
            reasons.add(SaveReason.EPOCHS);
        }
        if (monitor != null) {
            float value = monitor.valueIn(evaluations);
            if (monitor.isBetter(value, best())) {
                pendingBest.add(value);
                reasons.add(SaveReason.BEST);
            }
        }
        return reasons;
    }

    /**
     * Decides at the end of training.
     *
     * @return {@link SaveReason#END} if saving at the end is on
     */
    EnumSet<SaveReason> atEnd() {
        return atEnd ? EnumSet.of(SaveReason.END) : EnumSet.noneOf(SaveReason.class);
    }

    /**
     * Records a save, from which the step and time periods count again.
     *
     * @param globalStep the step of the saved checkpoint
     */
    synchronized void saved(long globalStep) {
        lastSaveStep = globalStep;
        lastSaveNanos = clock.getAsLong();
    }

    /**
     * Whether the monitored value of an epoch's evaluations is a new best only if a save in flight
     * fails; the caller then waits for the writes in flight before {@link #afterEpoch}.
     *
     * @param evaluations the trainer's evaluations at the end of the epoch
     * @return true if the decision depends on a write in flight
     */
    synchronized boolean dependsOnWritesInFlight(Map<String, Float> evaluations) {
        if (monitor == null || pendingBest.isEmpty()) {
            return false;
        }
        Float value = monitor.find(evaluations);
        return value != null && monitor.isBetter(value, best) && !monitor.isBetter(value, best());
    }

    /**
     * Records that a checkpoint with a monitored value was committed.
     *
     * @param value its monitored value
     */
    synchronized void committed(float value) {
        pendingBest.remove(Float.valueOf(value));
        if (monitor != null && monitor.isBetter(value, best)) {
            best = value;
        }
    }

    /**
     * Records that the save of a checkpoint with a monitored value failed, or was not made: the
     * value no longer counts as a best.
     *
     * @param value its monitored value
     */
    synchronized void failed(float value) {
        pendingBest.remove(Float.valueOf(value));
    }

    /**
     * Returns the best monitored value so far, of committed checkpoints and saves in flight.
     *
     * @return the value, or {@code null} if none yet or no monitor
     */
    synchronized Float best() {
        Float b = best;
        for (Float v : pendingBest) {
            if (monitor.isBetter(v, b)) {
                b = v;
            }
        }
        return b;
    }
}
