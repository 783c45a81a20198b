/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/** Snapshots taken into a {@link HostArrayPool}: copies, equal to fresh ones, memory reused. */
class HostArrayPoolTest {

    @Test
    void pooledSnapshotIsACopyEqualToAFreshOneAndItsMemoryIsReused() throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1);
                HostArrayPool pool = new HostArrayPool()) {
            TrainingProgress after3 = run.train(TrainingProgress.start(5), 3);
            List<NDArray> firstArrays = new ArrayList<>();
            TrainingProgress after5;
            try (TrainingSnapshot fresh = run.snapshot(after3);
                    TrainingSnapshot pooled =
                            TrainingSnapshot.capture(
                                    run.trainer(),
                                    after3,
                                    OptimizerStateAdapters.builtIn(),
                                    pool)) {
                TinyTraining.assertBitIdentical(fresh, pooled);
                firstArrays.addAll(pooled.getParameters().values());
                firstArrays.addAll(pooled.getOptimizerState().getTensors().values());
                firstArrays.forEach(a -> assertTrue(pool.isLent(a)));
                // Training on changes the live arrays in place, not the snapshot.
                after5 = run.train(after3, 5);
                assertEquals(5, after5.globalStep());
                TinyTraining.assertBitIdentical(fresh, pooled);
            }
            long allocated = pool.allocatedBytes();
            assertTrue(allocated > 0);
            firstArrays.forEach(a -> assertFalse(pool.isLent(a), "returned on close"));

            try (TrainingSnapshot again =
                    TrainingSnapshot.capture(
                            run.trainer(), after5, OptimizerStateAdapters.builtIn(), pool)) {
                assertEquals(allocated, pool.allocatedBytes(), "no new host memory");
                List<NDArray> secondArrays = new ArrayList<>(again.getParameters().values());
                secondArrays.addAll(again.getOptimizerState().getTensors().values());
                for (NDArray array : secondArrays) {
                    assertTrue(
                            firstArrays.stream().anyMatch(a -> a == array),
                            "reused " + array.getName());
                }
                try (TrainingSnapshot fresh = run.snapshot(after5)) {
                    TinyTraining.assertBitIdentical(fresh, again);
                    NDArray any = again.getParameters().values().iterator().next();
                    assertNotSame(any, fresh.getParameters().get(any.getName()));
                    assertSame(any, again.getParameters().get(any.getName()));
                }
            }
        }
    }

    @Test
    void aCaptureThatFailsMidwayReturnsEveryArrayToThePool() throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1);
                HostArrayPool pool = new HostArrayPool()) {
            TrainingProgress after2 = run.train(TrainingProgress.start(5), 2);
            Optimizer optimizer = DjlInternals.optimizerOf(run.trainer());
            // Adam's means are copied, then its variances hold a parameter the model lacks.
            Map<String, Map<Device, NDArray>> variances =
                    DjlInternals.stateMap(Adam.class, "variances", optimizer);
            variances.put("not-a-parameter", new ConcurrentHashMap<>());
            try {
                IllegalStateException e =
                        assertThrows(
                                IllegalStateException.class,
                                () ->
                                        TrainingSnapshot.capture(
                                                run.trainer(),
                                                after2,
                                                OptimizerStateAdapters.builtIn(),
                                                pool));
                assertTrue(e.getMessage().contains("not-a-parameter"), e.getMessage());
                assertTrue(pool.allocatedBytes() > 0, "copies were taken before the failure");
                assertEquals(0, pool.lentCount(), "every copy returned");
            } finally {
                variances.remove("not-a-parameter");
            }
        }
    }

    @Test
    void abortReturnsPooledCopiesAndFreesTheOthers() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                HostArrayPool pool = new HostArrayPool()) {
            NDArray array = manager.arange(6f);
            OptimizerState.Builder pooled = OptimizerState.builder("x", pool);
            pooled.addTensorCopy("a", array);
            assertEquals(1, pool.lentCount());
            pooled.abort();
            assertEquals(0, pool.lentCount());
            assertThrows(IllegalStateException.class, pooled::build);
            pooled.abort(); // no further effect

            OptimizerState.Builder fresh = OptimizerState.builder("x");
            fresh.addTensorCopy("a", array);
            Map<String, NDArray> copies =
                    DjlInternals.read(OptimizerState.Builder.class, "tensors", fresh);
            NDArray copy = copies.get("a");
            assertFalse(copy.isReleased());
            fresh.abort();
            assertTrue(copy.isReleased(), "the builder's manager is closed");
            assertFalse(array.isReleased(), "the source is left alone");
        }
    }

    @Test
    void aLargeArrayCopiedInPartsIsCopiedExactly() {
        // 6 MiB + 3 floats: several parts on a machine with 2 or more cores, an uneven last part
        int count = (6 << 20) / 4 + 3;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                HostArrayPool pool = new HostArrayPool()) {
            NDArray source = manager.randomUniform(-1f, 1f, new ai.djl.ndarray.types.Shape(count));
            NDArray copy = pool.copy(source);
            assertTrue(copy != null, "a dense CPU array is pooled");
            assertTrue(java.util.Arrays.equals(source.toFloatArray(), copy.toFloatArray()));
            source.addi(1f);
            assertFalse(java.util.Arrays.equals(source.toFloatArray(), copy.toFloatArray()));
            pool.release(copy);
        }
    }
}
