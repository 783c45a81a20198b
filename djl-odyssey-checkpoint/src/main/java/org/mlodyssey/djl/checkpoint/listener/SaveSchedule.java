/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.training.EvaluatorAccumulators;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a {@link CheckpointListener} saves, and which position: follows where training stands
 * through the calls of the loop that drives the listener ({@code EasyTrain.fit}: DJL's batch and
 * epoch calls only; the resumable loop: its step listener calls; told apart by the first calls),
 * asks the {@link CheckpointTrigger} at each step, epoch end and the end of training for the
 * reasons a save is due, and hands due saves straight to {@link CheckpointSaving}; the {@link
 * DirectoryClaim} only gates them (none after a failure) and opens the directory for them. With
 * {@code EasyTrain.fit} it also reseeds the engine before each step.
 */
final class SaveSchedule {

    // CheckpointListener's logger on purpose: log configurations naming it keep working.
    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    // Which loop drives the listener: the resumable loop (STEP: its StepListener calls) or
    // EasyTrain.fit (EPOCH: DJL's calls only), known from the first calls.
    private enum Driver {
        UNKNOWN,
        EPOCH,
        STEP
    }

    private final CheckpointTrigger trigger;
    private final CheckpointRegistry registry;
    private final DirectoryClaim claim;
    private final CheckpointSaving saving;

    /** With {@code EasyTrain.fit}: the state after the last step taken, for the next save. */
    private final LastStepState lastStep = new LastStepState();

    // Training thread.
    private TrainingProgress progress;
    private Driver driver = Driver.UNKNOWN;

    /** Whether the trigger knows the step the run started at (a resume or a first step). */
    private boolean startKnown;

    /** Whether a step ran since the run started or resumed. */
    private boolean stepped;

    private boolean epochEndPending;
    private long stepsThisEpoch;

    SaveSchedule(
            long seed,
            CheckpointTrigger trigger,
            CheckpointRegistry registry,
            DirectoryClaim claim,
            CheckpointSaving saving) {
        this.trigger = trigger;
        this.registry = registry;
        this.claim = claim;
        this.saving = saving;
        this.progress = TrainingProgress.start(seed);
    }

    /** Seeds the engine for the initialization of the trainer's parameters. */
    void beforeInitialization() {
        progress.seedSchedule().beforeInitialization();
    }

    /**
     * Tells whether a step ran since the run started or resumed.
     *
     * @return true after a step
     */
    boolean stepped() {
        return stepped;
    }

    /**
     * Sets where training stands, as a resume restored it (kept even should the rest of the resume
     * fail).
     *
     * @param at the restored position
     */
    void restoredTo(TrainingProgress at) {
        progress = at;
    }

    /**
     * Starts afresh at the position restored: no step ran since, the trigger counts from it, and
     * the engine is seeded for the next step.
     */
    void restart() {
        stepsThisEpoch = 0;
        stepped = false;
        trigger.start(progress.globalStep(), registry.best());
        startKnown = true;
        progress.seedSchedule().beforeStep(progress.globalStep());
    }

    /**
     * Where training stands; with {@code EasyTrain.fit}, with the steps of this epoch counted so
     * far.
     *
     * @return the position
     */
    TrainingProgress position() {
        return new TrainingProgress(
                progress.seed(),
                progress.epoch(),
                Math.toIntExact(progress.batchInEpoch() + stepsThisEpoch),
                progress.globalStep() + stepsThisEpoch,
                progress.epochMetrics());
    }

    /**
     * A batch of {@code EasyTrain.fit}, before its step: saves what the previous step made due,
     * keeps what the next such save needs, and reseeds the engine for this batch's step.
     *
     * @param trainer the trainer
     */
    void onTrainingBatch(Trainer trainer) {
        if (driver == Driver.STEP) {
            return;
        }
        claim.startAnew(progress.globalStep());
        if (driver == Driver.UNKNOWN && (stepsThisEpoch > 0 || epochEndPending)) {
            // A batch without an afterStep after the previous batch or epoch end: EasyTrain.fit.
            driver = Driver.EPOCH;
            saveEpochEndPending(trainer);
        }
        if (driver == Driver.EPOCH && stepsThisEpoch > 0) {
            TrainingProgress at = position();
            save(trainer, at, trigger.afterStep(at.globalStep()), true, lastStep.totals());
        }
        stepsThisEpoch++;
        stepped = true;
        if (trigger.mayBeDueAfterStep(progress.globalStep() + stepsThisEpoch)) {
            // The next batch's save needs them: its forward pass changes both before it is told.
            lastStep.keep(trainer);
        } else {
            // Not copied at every step: the next batch saves nothing (an epoch end saves the
            // trainer's own, which are the epoch end's).
            lastStep.drop();
        }
        progress.seedSchedule().beforeStep(progress.globalStep() + stepsThisEpoch);
    }

    /**
     * Saves at an epoch end left undecided: the next batch's step has not been taken, so the state
     * is still the epoch end's.
     */
    private void saveEpochEndPending(Trainer trainer) {
        if (epochEndPending) {
            epochEndPending = false;
            atEpochEnd(trainer, true, EnumSet.noneOf(SaveReason.class));
        }
    }

    /**
     * The end of an epoch of {@code EasyTrain.fit}, its validation done: saves if a rule says so
     * (once, for the epoch end and a step period ending with the epoch's last step), then reseeds
     * the engine for the next epoch's first step.
     *
     * @param trainer the trainer
     */
    void onEpoch(Trainer trainer) {
        if (driver == Driver.STEP) {
            return;
        }
        List<Map<String, Float>> history = new ArrayList<>(progress.epochMetrics());
        history.add(evaluations(trainer));
        long steps = progress.globalStep() + stepsThisEpoch;
        boolean batchesSeen = stepsThisEpoch > 0;
        progress = new TrainingProgress(progress.seed(), progress.epoch() + 1, 0, steps, history);
        stepsThisEpoch = 0;
        if (driver == Driver.UNKNOWN && !batchesSeen) {
            // No batch yet: the resumable loop resumed at an epoch's last batch fires this before
            // its afterEpoch. Decided by the next call: afterEpoch, or a batch or the end.
            epochEndPending = true;
            return;
        }
        driver = Driver.EPOCH;
        EnumSet<SaveReason> stepDue =
                batchesSeen ? trigger.afterStep(steps) : EnumSet.noneOf(SaveReason.class);
        atEpochEnd(trainer, true, stepDue);
        progress.seedSchedule().beforeStep(steps);
    }

    /**
     * A step of the resumable loop: saves if a rule says so, unless the epoch's end follows at the
     * same global step (then the epoch end saves that position once).
     *
     * @param trainer the trainer
     * @param at the position after the step
     * @param epochEndFollows whether the step was the epoch's last
     */
    void afterStep(Trainer trainer, TrainingProgress at, boolean epochEndFollows) {
        if (!startKnown) {
            // The run started without resume(): counting starts at the step before this one, not
            // at 0, so a run picked up at step k saves at the multiples after k, no extra save.
            claim.open();
            claim.startAnew(at.globalStep() - 1);
            trigger.start(at.globalStep() - 1, registry.best());
            startKnown = true;
        }
        driver = Driver.STEP;
        epochEndPending = false;
        stepped = true;
        progress = at;
        if (!epochEndFollows) {
            save(trainer, at, trigger.afterStep(at.globalStep()), true, null);
        }
    }

    /**
     * An epoch end of the resumable loop: saves if a rule says so.
     *
     * @param trainer the trainer
     * @param at the position at the epoch's end
     */
    void afterEpoch(Trainer trainer, TrainingProgress at) {
        driver = Driver.STEP;
        epochEndPending = false;
        progress = at;
        atEpochEnd(trainer, true, EnumSet.noneOf(SaveReason.class));
    }

    private void atEpochEnd(Trainer trainer, boolean applyPolicy, EnumSet<SaveReason> alsoDue) {
        List<Map<String, Float>> history = progress.epochMetrics();
        Map<String, Float> last = history.isEmpty() ? Map.of() : history.get(history.size() - 1);
        if (trigger.dependsOnWritesInFlight(last)) {
            saving.awaitWrites(); // a new best only if the best in flight failed: wait to know
        }
        EnumSet<SaveReason> reasons =
                trigger.afterEpoch(progress.epoch(), progress.globalStep(), last);
        reasons.addAll(alsoDue);
        save(trainer, progress, reasons, applyPolicy, null);
    }

    /**
     * The end of training: waits for the writes in flight (they decide whether this position is
     * committed already), then saves an epoch end left undecided, and saves at the end if a step
     * ran since the run started or resumed, unless an {@code EasyTrain.fit} run ended in the middle
     * of an epoch (whether its last batch's step was taken is unknown).
     *
     * @param trainer the trainer
     */
    void atTrainingEnd(Trainer trainer) {
        saving.awaitWrites();
        if (epochEndPending) {
            driver = Driver.EPOCH;
            epochEndPending = false;
            atEpochEnd(trainer, false, EnumSet.noneOf(SaveReason.class));
        }
        if (driver == Driver.EPOCH && stepsThisEpoch > 0) {
            logger.warn(
                    "Training ended in the middle of epoch {}: no checkpoint at the end (DJL"
                            + " tells listeners of a batch before its step, so whether the"
                            + " last batch's step was taken is unknown)",
                    progress.epoch());
        } else if (stepped) {
            save(trainer, progress, trigger.atEnd(), false, null);
        }
    }

    /** Frees the state kept after the last step. */
    void free() {
        lastStep.free();
    }

    /**
     * Saves a position if there are reasons to, unless the listener saves nothing; {@code totals}
     * are the evaluators' running totals at that position, or null to capture them now (with the
     * parameters as they are).
     */
    private void save(
            Trainer trainer,
            TrainingProgress at,
            EnumSet<SaveReason> reasons,
            boolean applyPolicy,
            EvaluatorAccumulators.Totals totals) {
        if (reasons.isEmpty() || !claim.openForSave()) {
            return;
        }
        saving.save(
                trainer,
                at,
                reasons,
                applyPolicy,
                totals,
                totals == null ? null : lastStep.forwardState());
    }

    private static Map<String, Float> evaluations(Trainer trainer) {
        TrainingResult result = trainer.getTrainingResult();
        Map<String, Float> evaluations = result == null ? null : result.getEvaluations();
        return evaluations == null ? Map.of() : new LinkedHashMap<>(evaluations);
    }
}
