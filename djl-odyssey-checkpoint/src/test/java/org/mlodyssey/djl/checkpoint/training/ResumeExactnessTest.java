/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind.ADAM;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind.SGD;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind.SGD_MOMENTUM;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.RUN_SEED;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.TOTAL_STEPS;

import ai.djl.training.Trainer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/**
 * A run stopped at step k, captured, rebuilt from scratch in a new Model and Trainer (with
 * different initial weights), restored and resumed ends byte for byte where the uninterrupted run
 * ends.
 */
class ResumeExactnessTest {

    private static final Map<OptimizerKind, TrainingSnapshot> STRAIGHT =
            new EnumMap<>(OptimizerKind.class);
    private static final Map<OptimizerKind, List<Integer>> STRAIGHT_TRACKER =
            new EnumMap<>(OptimizerKind.class);

    @AfterAll
    static void freeStraightRuns() {
        STRAIGHT.values().forEach(TrainingSnapshot::close);
    }

    private static TrainingSnapshot straight(OptimizerKind kind) throws Exception {
        TrainingSnapshot cached = STRAIGHT.get(kind);
        if (cached == null) {
            try (TinyTraining run = new TinyTraining(kind, 1)) {
                TrainingProgress end = run.train(TrainingProgress.start(RUN_SEED), Long.MAX_VALUE);
                assertEquals(TinyTraining.EPOCHS, end.epoch());
                assertEquals(TOTAL_STEPS, end.globalStep());
                cached = run.snapshot(end);
                STRAIGHT_TRACKER.put(kind, run.trackerUpdates());
            }
            STRAIGHT.put(kind, cached);
        }
        return cached;
    }

    private static TrainingSnapshot stopAt(OptimizerKind kind, long stopStep) throws Exception {
        try (TinyTraining run = new TinyTraining(kind, 1)) {
            TrainingProgress stopped = run.train(TrainingProgress.start(RUN_SEED), stopStep);
            assertEquals(stopStep, stopped.globalStep());
            return run.snapshot(stopped);
        }
    }

    /** Rebuilds from scratch with other initial weights, restores, resumes to the end. */
    private static TrainingSnapshot resume(OptimizerKind kind, TrainingSnapshot saved)
            throws Exception {
        try (TinyTraining run = new TinyTraining(kind, 99)) {
            TrainingProgress from = saved.restoreInto(run.trainer());
            TrainingProgress end = run.train(from, Long.MAX_VALUE);
            return run.snapshot(end);
        }
    }

    @ParameterizedTest(name = "{0} stopped after step {1}")
    @CsvSource({
        "ADAM, 10", // mid-epoch: epoch 1, batch 3
        "ADAM, 14", // last batch of epoch 1, before the epoch's end
        "ADAMW, 5",
        "SGD, 12",
        "SGD_MOMENTUM, 7", // last batch of epoch 0
        "SGD_MOMENTUM, 16"
    })
    void resumedRunEndsBitIdenticalToUninterruptedRun(OptimizerKind kind, long stopStep)
            throws Exception {
        TrainingSnapshot expected = straight(kind);
        try (TrainingSnapshot saved = stopAt(kind, stopStep);
                TrainingSnapshot actual = resume(kind, saved)) {
            assertTrue(
                    TinyTraining.anyTensorDiffers(saved.getParameters(), expected.getParameters()),
                    "the stopped run must still have steps to take");
            TinyTraining.assertBitIdentical(expected, actual);
        }
    }

    @Test
    void optimizerStateIsPresentForStatefulOptimizers() throws Exception {
        assertEquals(8, straight(ADAM).getOptimizerState().getTensors().size());
        assertEquals(4, straight(SGD_MOMENTUM).getOptimizerState().getTensors().size());
        assertEquals(0, straight(SGD).getOptimizerState().getTensors().size());
        assertEquals(TOTAL_STEPS, straight(ADAM).getOptimizerState().counter("numUpdate"));
        assertNotNull(
                straight(ADAM).getOptimizerState().getTensors().get("means/0/01Linear_weight"));
    }

    @Test
    void resumeFromEpochBoundaryCapturedAfterEpochIsBitIdentical() throws Exception {
        AtomicReference<TrainingSnapshot> atBoundary = new AtomicReference<>();
        StepListener captureAfterFirstEpoch =
                new StepListener() {
                    @Override
                    public void afterStep(Trainer trainer, TrainingProgress progress) {}

                    @Override
                    public void afterEpoch(Trainer trainer, TrainingProgress progress) {
                        if (progress.epoch() == 1) {
                            atBoundary.set(TrainingSnapshot.capture(trainer, progress));
                        }
                    }
                };
        try (TinyTraining run = new TinyTraining(ADAM, 1)) {
            run.train(TrainingProgress.start(RUN_SEED), 9, captureAfterFirstEpoch);
        }
        try (TrainingSnapshot saved = atBoundary.get();
                TrainingSnapshot actual = resume(ADAM, saved)) {
            assertEquals(1, saved.getProgress().epoch());
            assertEquals(0, saved.getProgress().batchInEpoch());
            assertEquals(TinyTraining.BATCHES_PER_EPOCH, saved.getProgress().globalStep());
            TinyTraining.assertBitIdentical(straight(ADAM), actual);
        }
    }

    @Test
    void metricHistoryIsSavedAndContinuedExactlyFromAnEpochBoundary() throws Exception {
        ai.djl.Device[] cpu = {ai.djl.Device.cpu()};
        AtomicReference<TrainingSnapshot> atBoundary = new AtomicReference<>();
        StepListener captureAfterFirstEpoch =
                new StepListener() {
                    @Override
                    public void afterStep(Trainer trainer, TrainingProgress progress) {}

                    @Override
                    public void afterEpoch(Trainer trainer, TrainingProgress progress) {
                        if (progress.epoch() == 1) {
                            atBoundary.set(TrainingSnapshot.capture(trainer, progress));
                        }
                    }
                };
        try (TinyTraining straight = new TinyTraining(ADAM, 1, cpu, true);
                TinyTraining resumed = new TinyTraining(ADAM, 99, cpu, true)) {
            TrainingProgress end =
                    straight.train(
                            TrainingProgress.start(RUN_SEED),
                            Long.MAX_VALUE,
                            captureAfterFirstEpoch);
            assertEquals(TinyTraining.EPOCHS, end.epochMetrics().size());
            assertTrue(
                    end.epochMetrics().get(0).containsKey("validate_loss"),
                    end.epochMetrics().toString());
            try (TrainingSnapshot saved = atBoundary.get()) {
                assertEquals(
                        List.of(end.epochMetrics().get(0)), saved.getProgress().epochMetrics());
                TrainingProgress resumedEnd =
                        resumed.train(saved.restoreInto(resumed.trainer()), Long.MAX_VALUE);
                assertEquals(end.epochMetrics(), resumedEnd.epochMetrics());
                assertEquals(end, resumedEnd);
            }
        }
    }

    @Test
    void restoringUpdateCountsRestoresTheLearningRateSchedule() throws Exception {
        long stopStep = 9;
        straight(SGD_MOMENTUM);
        List<Integer> expected = STRAIGHT_TRACKER.get(SGD_MOMENTUM);
        // One tracker call per parameter (4) per step.
        assertEquals(4 * TOTAL_STEPS, expected.size());
        try (TrainingSnapshot saved = stopAt(SGD_MOMENTUM, stopStep);
                TinyTraining run = new TinyTraining(SGD_MOMENTUM, 99)) {
            run.train(saved.restoreInto(run.trainer()), Long.MAX_VALUE);
            assertEquals(
                    expected.subList((int) (4 * stopStep), expected.size()), run.trackerUpdates());
            assertEquals((int) stopStep + 1, (int) run.trackerUpdates().get(0));
        }
    }

    @Test
    void resumeWithoutOptimizerStateDiverges() throws Exception {
        // Control: the comparison is sensitive to the optimizer state the restore carries.
        try (TrainingSnapshot saved = stopAt(ADAM, 10);
                TinyTraining run = new TinyTraining(ADAM, 99)) {
            ParameterValues.load(run.trainer(), saved.getParameters(), ParameterLoadMode.STRICT);
            TrainingProgress end = run.train(saved.getProgress(), Long.MAX_VALUE);
            try (TrainingSnapshot actual = run.snapshot(end)) {
                assertTrue(
                        TinyTraining.anyTensorDiffers(
                                straight(ADAM).getParameters(), actual.getParameters()));
            }
        }
    }

    @Test
    void resumeWithAnotherRunSeedDiverges() throws Exception {
        // Control: dropout masks and shuffling come from the seed schedule.
        try (TrainingSnapshot saved = stopAt(ADAM, 10);
                TinyTraining run = new TinyTraining(ADAM, 99)) {
            TrainingProgress from = saved.restoreInto(run.trainer());
            TrainingProgress otherSeed =
                    new TrainingProgress(
                            from.seed() + 1,
                            from.epoch(),
                            from.batchInEpoch(),
                            from.globalStep(),
                            from.epochMetrics());
            TrainingProgress end = run.train(otherSeed, Long.MAX_VALUE);
            try (TrainingSnapshot actual = run.snapshot(end)) {
                assertTrue(
                        TinyTraining.anyTensorDiffers(
                                straight(ADAM).getParameters(), actual.getParameters()));
            }
        }
    }
}
