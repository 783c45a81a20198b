/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPU-resident arrays: saved from and loaded onto the GPU. Skipped on machines without one. */
class NDArrayCheckpointsGpuTest {

    @TempDir Path dir;

    @BeforeEach
    void requireGpu() {
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU on this machine");
    }

    @Test
    void gpuArraysRoundTripAndLoadInPlaceOnTheirDevice() throws IOException {
        Device gpu = Device.gpu();
        try (NDManager manager = NDManager.newBaseManager(gpu)) {
            NDArray weight = manager.arange(12f).reshape(new Shape(3, 4));
            assertTrue(weight.getDevice().isGpu());
            Path file = dir.resolve("gpu.safetensors");
            NDArrayCheckpoints.save(file, Map.of("w", weight), Map.of());
            assertEquals(gpu, weight.getDevice());

            NDArray loaded = NDArrayCheckpoints.load(file, manager, gpu).get("w");
            assertEquals(gpu, loaded.getDevice());
            assertArrayEquals(weight.toFloatArray(), loaded.toFloatArray());

            NDArray target = manager.zeros(new Shape(3, 4));
            target.setRequiresGradient(true);
            NDArrayCheckpoints.loadInto(file, Map.of("w", target));
            assertEquals(gpu, target.getDevice());
            assertTrue(target.hasGradient());
            assertArrayEquals(weight.toFloatArray(), target.toFloatArray());

            NDArray onCpu = NDArrayCheckpoints.load(file, manager, Device.cpu()).get("w");
            assertEquals(Device.cpu(), onCpu.getDevice());
            assertArrayEquals(weight.toFloatArray(), onCpu.toFloatArray());
        }
    }
}
