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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;

/** GPU-resident arrays: saved from and loaded onto the GPU. Skipped on machines without one. */
class NDArrayFilesGpuTest {

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
            NDArrayFiles.save(file, Map.of("w", weight), Map.of());
            assertEquals(gpu, weight.getDevice());

            NDArray loaded = NDArrayFiles.load(file, manager, gpu).get("w");
            assertEquals(gpu, loaded.getDevice());
            assertArrayEquals(weight.toFloatArray(), loaded.toFloatArray());

            NDArray target = manager.zeros(new Shape(3, 4));
            target.setRequiresGradient(true);
            NDArrayFiles.loadInto(file, Map.of("w", target));
            assertEquals(gpu, target.getDevice());
            assertTrue(target.hasGradient());
            assertArrayEquals(weight.toFloatArray(), target.toFloatArray());

            NDArray onCpu = NDArrayFiles.load(file, manager, Device.cpu()).get("w");
            assertEquals(Device.cpu(), onCpu.getDevice());
            assertArrayEquals(weight.toFloatArray(), onCpu.toFloatArray());
        }
    }

    @Test
    void newGpuArraysAreCopiedOnceFromTheMappingAlignedOrNotAndWidened() throws IOException {
        Device gpu = Device.gpu();
        TensorFile checkpoint = new TensorFile();
        checkpoint.put(
                "pad", Tensor.of(TensorDType.U8, new long[] {3}, ByteBuffer.wrap(new byte[3])));
        ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        checkpoint.put(
                "w",
                Tensor.of(TensorDType.F32, new long[] {2}, w.putFloat(1.5f).putFloat(-2f).flip()));
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        checkpoint.put(
                "b",
                Tensor.of(
                        TensorDType.BF16,
                        new long[] {2},
                        b.putShort((short) 0x3fc0).putShort((short) 0xc000).flip()));
        Path file = dir.resolve("mapped-gpu.safetensors");
        checkpoint.save(file);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> arrays =
                    NDArrayFiles.load(
                            file, manager, gpu, ReadOptions.defaults(), UnsafeDTypes.WIDEN);
            java.nio.file.Files.delete(file); // device copies do not depend on the file
            for (NDArray array : arrays.values()) {
                assertEquals(gpu, array.getDevice(), array.getName());
            }
            assertArrayEquals(new float[] {1.5f, -2f}, arrays.get("w").toFloatArray());
            assertArrayEquals(new float[] {1.5f, -2f}, arrays.get("b").toFloatArray());
        }
    }
}
