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
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/**
 * The listener under DJL's {@code EasyTrain.fit} with the model, its data and its optimizer state
 * on a GPU: a run crashed mid-epoch resumes onto the GPU and ends bit-identical. Skipped without a
 * GPU (CI has none).
 */
class EasyTrainGpuResumeTest {

    private static final TrainingProgress END = new TrainingProgress(0, 3, 0, 21, List.of());
    private static final Device[] ONE_GPU = {Device.gpu(0)};

    @BeforeEach
    void requireGpu() {
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "needs a GPU");
    }

    private static CheckpointListener every4(Path root) {
        return CheckpointListener.builder()
                .setDirectory(root)
                .optEverySteps(4)
                .optSeed(TinyTraining.RUN_SEED)
                .build();
    }

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

    @Test
    void aGpuRunCrashedMidEpochAndResumedUnderEasyTrainEndsBitIdentical(@TempDir Path dir)
            throws Exception {
        CheckpointListener straightListener = every4(dir.resolve("straight"));
        try (TinyTraining straight =
                new TinyTraining(OptimizerKind.ADAM, 1, ONE_GPU, true, straightListener)) {
            ResumableTraining.fit(
                    straight.trainer(), 3, straight.positionableDataset(), straight.validation());
            assertTrue(
                    straight.trainer()
                            .getModel()
                            .getBlock()
                            .getParameters()
                            .get(0)
                            .getValue()
                            .getArray()
                            .getDevice()
                            .isGpu(),
                    "the model trains on the GPU");
            try (TrainingSnapshot expected = straight.snapshot(END)) {
                Path crashed = dir.resolve("crashed");
                CheckpointListener first = every4(crashed);
                try (TinyTraining run =
                        new TinyTraining(
                                OptimizerKind.ADAM, 1, ONE_GPU, true, first, crashAtBatch(12))) {
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
                CheckpointListener second = every4(crashed);
                try (TinyTraining run =
                        new TinyTraining(OptimizerKind.ADAM, 2, ONE_GPU, true, second)) {
                    ResumableTraining.fit(
                            run.trainer(), 3, run.positionableDataset(), run.validation());
                    assertEquals(
                            CheckpointDirectories.directoryName(
                                    new TrainingProgress(0, 1, 1, 8, List.of())),
                            second.getResumedFrom().orElseThrow().getFileName().toString(),
                            "resumed from the newest save, step 8's");
                    try (TrainingSnapshot actual = run.snapshot(END)) {
                        TinyTraining.assertBitIdentical(expected, actual);
                    }
                    run.trainer().close();
                    second.close();
                }
            }
            straight.trainer().close();
            straightListener.close();
        }
    }
}
