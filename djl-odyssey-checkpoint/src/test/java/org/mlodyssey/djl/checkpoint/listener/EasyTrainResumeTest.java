/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/**
 * {@link ResumableTraining#fit} and the listener under DJL's {@code EasyTrain.fit} (TinyTraining: 7
 * steps per epoch, dropout, 3 epochs).
 */
class EasyTrainResumeTest {

    private static final TrainingProgress END = new TrainingProgress(0, 3, 0, 21, List.of());

    /** Throws in the {@code n}-th training batch, after its forward pass, before its step. */
    private static TrainingListener crashAtBatch(int n) {
        return new TrainingListenerAdapter() {
            private int batches;

            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                if (++batches == n) {
                    throw new IllegalStateException("crash at batch " + n);
                }
            }
        };
    }

    private static CheckpointListener every4(Path root) {
        return CheckpointListener.builder()
                .setDirectory(root)
                .optEverySteps(4)
                .optSeed(TinyTraining.RUN_SEED)
                .build();
    }

    private static String name(long step, int epoch, int batch) {
        return CheckpointDirectories.directoryName(
                new TrainingProgress(0, epoch, batch, step, List.of()));
    }

    private static final Device[] CPU = {Device.cpu()};

    /** Trains 3 epochs uninterrupted through the one call; returns the final state. */
    private static TrainingSnapshot uninterrupted(Path root, int initSeed) throws Exception {
        return uninterrupted(root, initSeed, CPU);
    }

    /** Trains 3 epochs uninterrupted on given devices; returns the final state. */
    private static TrainingSnapshot uninterrupted(Path root, int initSeed, Device[] devices)
            throws Exception {
        CheckpointListener listener = every4(root);
        try (TinyTraining run =
                new TinyTraining(OptimizerKind.ADAM, initSeed, devices, true, listener)) {
            ResumableTraining.fit(run.trainer(), 3, run.positionableDataset(), run.validation());
            assertTrue(
                    run.trainer()
                            .getModel()
                            .getBlock()
                            .getParameters()
                            .valueAt(0)
                            .getArray()
                            .getDevice()
                            .equals(devices[0]),
                    "the model trains on " + devices[0]);
            TrainingSnapshot end = run.snapshot(END);
            run.trainer().close();
            listener.close();
            return end;
        }
    }

    @Test
    void twoFreshRunsOfTheSameSeedAreBitIdenticalWhateverTheEngineSeedBefore(@TempDir Path dir)
            throws Exception {
        try (TrainingSnapshot a = uninterrupted(dir.resolve("a"), 1);
                TrainingSnapshot b = uninterrupted(dir.resolve("b"), 2)) {
            TinyTraining.assertBitIdentical(a, b);
        }
    }

    @Test
    void aRunCrashedMidEpochAndResumedThroughTheOneCallEndsBitIdentical(@TempDir Path dir)
            throws Exception {
        assertCrashedRunResumesBitIdentical(dir, CPU);
    }

    /** The same with model, data and optimizer state on a GPU; skipped without one (CI). */
    @Test
    void onAGpuARunCrashedMidEpochAndResumedEndsBitIdentical(@TempDir Path dir) throws Exception {
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "needs a GPU");
        assertCrashedRunResumesBitIdentical(dir, new Device[] {Device.gpu(0)});
    }

    private static void assertCrashedRunResumesBitIdentical(Path dir, Device[] devices)
            throws Exception {
        Path crashed = dir.resolve("crashed");
        try (TrainingSnapshot expected = uninterrupted(dir.resolve("straight"), 1, devices)) {
            CheckpointListener first = every4(crashed);
            // Batch 12 is epoch 1's fifth: 11 steps done, the newest save is step 8's.
            try (TinyTraining run =
                    new TinyTraining(
                            OptimizerKind.ADAM, 1, devices, true, first, crashAtBatch(12))) {
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                ResumableTraining.fit(
                                        run.trainer(),
                                        3,
                                        run.positionableDataset(),
                                        run.validation()));
            }
            first.close();
            assertEquals(
                    name(8, 1, 1),
                    CheckpointDirectories.findLatestValid(crashed)
                            .orElseThrow()
                            .getDirectory()
                            .getFileName()
                            .toString(),
                    "saved at batch 9, before its step: the state after 8 steps");

            CheckpointListener second = every4(crashed);
            try (TinyTraining run =
                    new TinyTraining(OptimizerKind.ADAM, 2, devices, true, second)) {
                ResumableTraining.fit(
                        run.trainer(), 3, run.positionableDataset(), run.validation());
                assertEquals(
                        name(8, 1, 1),
                        second.getResumedFrom().orElseThrow().getFileName().toString());
                try (TrainingSnapshot actual = run.snapshot(END)) {
                    TinyTraining.assertBitIdentical(expected, actual);
                }
                run.trainer().close();
                second.close();
            }
            TrainingCheckpoint last = TrainingCheckpoint.open(crashed.resolve(name(21, 3, 0)));
            TrainingCheckpoint straight =
                    TrainingCheckpoint.open(dir.resolve("straight").resolve(name(21, 3, 0)));
            assertEquals(3, last.getProgress().epochMetrics().size());
            assertEquals(
                    straight.getProgress().epochMetrics(),
                    last.getProgress().epochMetrics(),
                    "the metric history, the resumed epoch's training metrics included");
        }
    }

    @Test
    void aSecondCallOnTheLiveTrainerContinuesItAndEndsBitIdentical(@TempDir Path dir)
            throws Exception {
        try (TrainingSnapshot expected = uninterrupted(dir.resolve("straight"), 1)) {
            CheckpointListener listener = every4(dir.resolve("twice"));
            try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, listener)) {
                ResumableTraining.fit(
                        run.trainer(), 1, run.positionableDataset(), run.validation());
                ResumableTraining.fit(
                        run.trainer(), 3, run.positionableDataset(), run.validation());
                try (TrainingSnapshot actual = run.snapshot(END)) {
                    TinyTraining.assertBitIdentical(expected, actual);
                }
                run.trainer().close();
                listener.close();
            }
            assertEquals(
                    Optional.empty(), listener.getResumedFrom(), "nothing restored: a live run");
        }
    }

    @Test
    void aResumedCallReportsAllEpochsOfTheRunAsDjlDoes(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("run");
        CheckpointListener first = every4(root);
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, first)) {
            ResumableTraining.fit(run.trainer(), 1, run.positionableDataset(), run.validation());
            run.trainer().close();
            first.close();
        }
        CheckpointListener second = every4(root);
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, true, second)) {
            TrainingResult result =
                    ResumableTraining.fit(
                            run.trainer(), 3, run.positionableDataset(), run.validation());
            assertEquals(3, result.getEpoch(), "epochs of the run, not of this JVM");
            run.trainer().close();
            second.close();
            assertEquals("3", run.trainer().getModel().getProperty("Epoch"));
        }
    }

    @Test
    void aCallWithNothingLeftToRunReportsTheLastEpochsEvaluations(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("run");
        uninterrupted(root, 1).close();
        Map<String, Float> last =
                TrainingCheckpoint.open(root.resolve(name(21, 3, 0)))
                        .getProgress()
                        .epochMetrics()
                        .get(2);
        CheckpointListener again = every4(root);
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, true, again)) {
            TrainingResult result =
                    ResumableTraining.fit(
                            run.trainer(), 3, run.positionableDataset(), run.validation());
            assertEquals(3, result.getEpoch());
            assertEquals(last, result.getEvaluations());
            assertEquals(last.get("validate_loss"), result.getValidateLoss());
            run.trainer().close();
            again.close();
        }
    }

    @Test
    void theOneCallNeedsACheckpointListenerInTheTrainer(@TempDir Path dir) throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ResumableTraining.fit(run.trainer(), 1, run.dataset(), null));
            assertEquals(true, e.getMessage().contains("addTrainingListeners"), e.getMessage());
        }
    }
}
