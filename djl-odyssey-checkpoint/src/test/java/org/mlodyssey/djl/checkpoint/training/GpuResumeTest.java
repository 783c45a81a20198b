/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.RUN_SEED;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/**
 * Resume on GPUs: parameters and optimizer state are restored onto the devices they live on, every
 * replica included. Skipped without a GPU (CI has none).
 */
class GpuResumeTest {

    private static int gpuCount() {
        return Engine.getInstance().getGpuCount();
    }

    @Test
    void resumeOnOneGpuThroughDiskIsBitIdentical(@TempDir Path dir) throws Exception {
        assumeTrue(gpuCount() > 0, "needs a GPU");
        assertResumeIsBitIdentical(new Device[] {Device.gpu(0)}, dir);
    }

    @Test
    void resumeOnTwoGpusWritesEveryReplicaAndIsBitIdentical(@TempDir Path dir) throws Exception {
        assumeTrue(gpuCount() > 1, "needs two GPUs");
        assertResumeIsBitIdentical(new Device[] {Device.gpu(0), Device.gpu(1)}, dir);
    }

    private static void assertResumeIsBitIdentical(Device[] devices, Path dir) throws Exception {
        long stop = 10;
        try (TinyTraining straight = new TinyTraining(OptimizerKind.ADAM, 1, devices);
                TinyTraining stopped = new TinyTraining(OptimizerKind.ADAM, 1, devices);
                TinyTraining resumed = new TinyTraining(OptimizerKind.ADAM, 99, devices)) {
            TrainingProgress end = straight.train(TrainingProgress.start(RUN_SEED), Long.MAX_VALUE);
            TrainingProgress at = stopped.train(TrainingProgress.start(RUN_SEED), stop);
            CheckpointDirectories.save(dir, stopped.trainer(), at, Map.of());
            // The parameter store creates its replicas at the first forward pass: take one step,
            // so that the restore has replicas to write and the check below has some to read.
            resumed.train(TrainingProgress.start(RUN_SEED), 1);
            TrainingProgress from = TinyTraining.restoreNewestOrStart(dir, resumed.trainer(), 0);
            assertEquals(stop, from.globalStep());
            ParameterNames names = ParameterNames.of(resumed.trainer().getModel().getBlock());
            for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
                assertEquals(devices[0], entry.getValue().getArray().getDevice(), entry.getKey());
                List<NDArray> replicas =
                        DjlInternals.replicasOf(resumed.trainer(), entry.getValue().getId());
                assertEquals(devices.length, replicas.size(), "replicas of " + entry.getKey());
                for (NDArray replica : replicas) {
                    NDArray expected =
                            stopped.trainer()
                                    .getModel()
                                    .getBlock()
                                    .getParameters()
                                    .get(entry.getKey())
                                    .getArray();
                    assertArrayEquals(
                            expected.toByteArray(),
                            replica.toByteArray(),
                            "replica of " + entry.getKey() + " on " + replica.getDevice());
                }
            }
            TrainingProgress resumedEnd = resumed.train(from, Long.MAX_VALUE);
            try (TrainingSnapshot expected = straight.snapshot(end);
                    TrainingSnapshot actual = resumed.snapshot(resumedEnd)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
        }
    }
}
