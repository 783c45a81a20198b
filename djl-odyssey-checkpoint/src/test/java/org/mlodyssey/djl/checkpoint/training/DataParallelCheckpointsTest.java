/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.RUN_SEED;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointWriter;
import org.mlodyssey.djl.checkpoint.distributed.DistributedMetadata;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/**
 * A data-parallel trainer's state saved as one copy in a distributed checkpoint and restored into
 * every replica. On the CPU (DJL allows one CPU device per trainer) a resume through it is bit
 * identical; with two GPUs, a state saved on two devices is restored onto one and onto two.
 */
class DataParallelCheckpointsTest {

    @TempDir Path dir;

    private static DistributedCheckpointWriter writer(CheckpointStore store, String name) {
        return DistributedCheckpointWriter.builder()
                .setStore(store)
                .setCheckpoint(name)
                .setRank(0, 1)
                .build();
    }

    @Test
    void resumeThroughADistributedCheckpointIsBitIdentical() throws Exception {
        long stop = 10;
        try (CheckpointStore store = CheckpointStores.open(dir.toString());
                TinyTraining straight = new TinyTraining(OptimizerKind.ADAM, 1);
                TinyTraining stopped = new TinyTraining(OptimizerKind.ADAM, 1);
                TinyTraining resumed = new TinyTraining(OptimizerKind.ADAM, 99)) {
            TrainingProgress end = straight.train(TrainingProgress.start(RUN_SEED), Long.MAX_VALUE);
            TrainingProgress at = stopped.train(TrainingProgress.start(RUN_SEED), stop);
            DistributedMetadata metadata =
                    DataParallelCheckpoints.save(stopped.trainer(), writer(store, "step-10"));
            // One copy of the optimizer state, named without a replica index.
            assertTrue(metadata.tensors().containsKey("optimizer/means/01Linear_weight"));
            assertTrue(metadata.tensors().containsKey("parameters/01Linear_weight"));
            assertFalse(metadata.tensors().keySet().stream().anyMatch(k -> k.contains("/0/")));
            resumed.train(TrainingProgress.start(RUN_SEED), 1);
            try (DistributedCheckpointReader reader =
                    DistributedCheckpointReader.open(store, "step-10")) {
                DataParallelCheckpoints.restore(resumed.trainer(), reader);
            }
            TrainingProgress resumedEnd = resumed.train(at, Long.MAX_VALUE);
            try (TrainingSnapshot expected = straight.snapshot(end);
                    TrainingSnapshot actual = resumed.snapshot(resumedEnd)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
        }
    }

    @Test
    void oneReplicaIsKeptAndSpreadOverAnyDeviceCount() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = manager.create(new float[] {1, 2});
            NDArray b = manager.create(new float[] {3, 4});
            Map<String, NDArray> one =
                    DataParallelCheckpoints.oneReplica(
                            Map.of("means/0/w", a, "means/1/w", b, "plain", a));
            assertEquals(Map.of("means/w", a, "plain", a), one);
            Map<String, NDArray> three = DataParallelCheckpoints.allReplicas("means/w", a, 3);
            assertEquals(
                    List.of("means/0/w", "means/1/w", "means/2/w"), List.copyOf(three.keySet()));
            for (NDArray replica : three.values()) {
                assertArrayEquals(a.toFloatArray(), replica.toFloatArray());
            }
        }
    }

    @Test
    void savedOnTwoGpusRestoresOntoOneAndOntoTwo() throws Exception {
        assumeTrue(Engine.getInstance().getGpuCount() > 1, "needs two GPUs");
        Device[] two = {Device.gpu(0), Device.gpu(1)};
        Device[] one = {Device.gpu(0)};
        try (CheckpointStore store = CheckpointStores.open(dir.toString());
                TinyTraining saved = new TinyTraining(OptimizerKind.ADAM, 1, two)) {
            saved.train(TrainingProgress.start(RUN_SEED), 10);
            DataParallelCheckpoints.save(saved.trainer(), writer(store, "c"));
            for (Device[] devices : List.of(one, two)) {
                try (TinyTraining resumed = new TinyTraining(OptimizerKind.ADAM, 99, devices);
                        DistributedCheckpointReader reader =
                                DistributedCheckpointReader.open(store, "c")) {
                    resumed.train(TrainingProgress.start(RUN_SEED), 1);
                    DataParallelCheckpoints.restore(resumed.trainer(), reader);
                    ParameterNames names =
                            ParameterNames.of(resumed.trainer().getModel().getBlock());
                    for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
                        byte[] expected =
                                saved.trainer()
                                        .getModel()
                                        .getBlock()
                                        .getParameters()
                                        .get(entry.getKey())
                                        .getArray()
                                        .toByteArray();
                        List<NDArray> replicas =
                                DjlInternals.replicasOf(
                                        resumed.trainer(), entry.getValue().getId());
                        assertEquals(devices.length, replicas.size());
                        for (NDArray replica : replicas) {
                            assertArrayEquals(expected, replica.toByteArray(), entry.getKey());
                        }
                    }
                }
            }
        }
    }
}
