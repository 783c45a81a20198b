/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;

/**
 * Compressed files load as arrays through this library, and DJL's own safetensors reader (an
 * independent implementation) cannot mistake them for uncompressed files.
 */
class CompressedNDArrayTest {

    @TempDir Path dir;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Map<String, NDArray> arrays() {
        Random random = new Random(1);
        float[] weights = new float[100_000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.02);
        }
        int[] noise = new int[1000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextInt();
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("w", manager.create(weights, new Shape(250, 400)));
        arrays.put("noise", manager.create(noise));
        return arrays;
    }

    private Path saveCompressed(Map<String, NDArray> arrays) throws IOException {
        Path file = dir.resolve("z.safetensors");
        NDArrayFiles.save(
                file,
                arrays,
                Map.of(),
                WriteOptions.builder()
                        .optDurable(false)
                        .optCompression(Compression.zstd(3))
                        .build());
        return file;
    }

    @Test
    void compressedFileLoadsAsArrays() throws IOException {
        Map<String, NDArray> arrays = arrays();
        Path file = saveCompressed(arrays);
        Map<String, NDArray> loaded = NDArrayFiles.load(file, manager, Device.cpu());
        assertEquals(arrays.keySet(), loaded.keySet());
        assertArrayEquals(arrays.get("w").toFloatArray(), loaded.get("w").toFloatArray());
        assertEquals(new Shape(250, 400), loaded.get("w").getShape());
        assertArrayEquals(arrays.get("noise").toIntArray(), loaded.get("noise").toIntArray());
        // also unverified and in owned memory: compressed tensors are decoded, never mapped
        for (ReadOptions options :
                new ReadOptions[] {
                    ReadOptions.builder().optVerify(false).build(),
                    ReadOptions.builder().optOwnedMemory(true).build()
                }) {
            Map<String, NDArray> again =
                    NDArrayFiles.load(file, manager, Device.cpu(), options, UnsafeDTypes.FAIL);
            assertArrayEquals(arrays.get("w").toFloatArray(), again.get("w").toFloatArray());
        }
        Map<String, NDArray> targets = new LinkedHashMap<>();
        targets.put("w", manager.zeros(new Shape(250, 400)));
        NDArrayFiles.loadInto(file, targets);
        assertArrayEquals(arrays.get("w").toFloatArray(), targets.get("w").toFloatArray());
    }

    @Test
    void djlSafetensorsReaderSeesOnlyOpaqueBytesForCompressedTensors() throws IOException {
        Map<String, NDArray> arrays = arrays();
        Path file = saveCompressed(arrays);
        NDList decoded = NDList.decode(manager, new ByteArrayInputStream(Files.readAllBytes(file)));
        // no array is named "w": its compressed bytes are a U8 vector under a marked name
        assertNull(decoded.get("w"));
        NDArray stored = decoded.get("odyssey.compressed/w");
        assertEquals(DataType.UINT8, stored.getDataType());
        assertEquals(1, stored.getShape().dimension());
        // the tensor that did not shrink is stored as it is, and reads as itself
        assertArrayEquals(arrays.get("noise").toIntArray(), decoded.get("noise").toIntArray());
    }

    @Test
    void aDamagedTensorAmongManyFailsTheLoadTypedAndWritesNoTarget() throws IOException {
        Random random = new Random(2);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (int t = 0; t < 20; t++) {
            float[] weights = new float[30_000 + t];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) (random.nextGaussian() * 0.02);
            }
            arrays.put("w" + (100 + t), manager.create(weights));
        }
        Path file = saveCompressed(arrays);
        // every tensor loads, and the many of one chunk each are read all at once
        Map<String, NDArray> loaded = NDArrayFiles.load(file, manager, Device.cpu());
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            assertArrayEquals(
                    entry.getValue().toFloatArray(), loaded.get(entry.getKey()).toFloatArray());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] junk = new byte[64];
            random.nextBytes(junk);
            channel.write(ByteBuffer.wrap(junk), channel.size() - 3 * 100_000);
        }
        int before = manager.getManagedArrays().size();
        TensorFileFormatException thrown =
                assertThrows(
                        TensorFileFormatException.class,
                        () -> NDArrayFiles.load(file, manager, Device.cpu()));
        assertTrue(thrown.getMessage().contains("w1"), thrown.getMessage());
        assertEquals(before, manager.getManagedArrays().size(), "arrays left after a failure");
        Map<String, NDArray> targets = new LinkedHashMap<>();
        for (String name : arrays.keySet()) {
            targets.put(name, manager.zeros(arrays.get(name).getShape()));
        }
        assertThrows(TensorFileFormatException.class, () -> NDArrayFiles.loadInto(file, targets));
        for (NDArray target : targets.values()) {
            assertEquals(0f, target.abs().sum().getFloat(), "a target was written");
        }
    }
}
