/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plane frames of the default codec are compressed with a limited match search at the fast
 * levels: smaller than with the level's own search on float weights, read back exactly, and the
 * level's own search stays available (the default above level 3, where it finds runs of zeros).
 */
class PlaneMatchSearchTest {

    @TempDir Path dir;

    private long save(Tensor tensor, Compression compression, String name) throws IOException {
        TensorFile checkpoint = new TensorFile();
        checkpoint.put("w", tensor);
        Path file = dir.resolve(name);
        checkpoint.save(
                file, WriteOptions.builder().optDurable(false).optCompression(compression).build());
        try (TensorFile loaded = TensorFile.load(file)) {
            assertEquals(tensor.data(), loaded.get("w").data(), compression.toString());
            assertTrue(loaded.get("w").storage().compressed(), compression.toString());
        }
        return Files.size(file);
    }

    private static Tensor gaussian(TensorDType dtype, int count, Random random) {
        ByteBuffer data =
                ByteBuffer.allocate(count * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            float value = (float) (random.nextGaussian() * 0.02);
            if (dtype == TensorDType.F32) {
                data.putFloat(value);
            } else {
                data.putShort((short) (Float.floatToRawIntBits(value) >>> 16));
            }
        }
        return Tensor.of(dtype, new long[] {count}, data.flip());
    }

    @Test
    void defaultsByLevel() {
        assertFalse(Compression.zstd(1).planeMatchSearch());
        assertFalse(Compression.zstd(Compression.DEFAULT_LEVEL).planeMatchSearch());
        assertTrue(Compression.zstd(4).planeMatchSearch());
        assertTrue(Compression.zstd(3).withPlaneMatchSearch(true).planeMatchSearch());
        assertFalse(Compression.zstd(19).withPlaneMatchSearch(false).planeMatchSearch());
        assertEquals("zstd:3", Compression.zstd(3).toString());
        assertEquals(
                "zstd:3 with the level's match search in planes",
                Compression.zstd(3).withPlaneMatchSearch(true).toString());
    }

    @Test
    void limitedSearchCompressesFloatPlanesSmallerAndReadsBackExactly() throws IOException {
        Random random = new Random(5);
        for (TensorDType dtype : new TensorDType[] {TensorDType.F32, TensorDType.BF16}) {
            Tensor tensor = gaussian(dtype, 600_000, random);
            long limited = save(tensor, Compression.zstd(3), "limited");
            long full = save(tensor, Compression.zstd(3).withPlaneMatchSearch(true), "full");
            assertTrue(limited < full, dtype + ": limited " + limited + ", full " + full);
        }
    }

    @Test
    void levelSearchFindsRunsOfZeros() throws IOException {
        // mostly zeros with a few values: long repeats, which both searches must still shrink
        ByteBuffer data = ByteBuffer.allocate(4 * 300_000).order(ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(9);
        for (int i = 0; i < 300_000; i++) {
            data.putFloat(i % 1000 == 0 ? (float) random.nextGaussian() : 0f);
        }
        Tensor sparse = Tensor.of(TensorDType.F32, new long[] {300_000}, data.flip());
        long limited = save(sparse, Compression.zstd(3), "sparse-limited");
        long full = save(sparse, Compression.zstd(19), "sparse-full");
        assertTrue(limited < sparse.byteSize() / 20, "limited " + limited);
        assertTrue(full < sparse.byteSize() / 20, "full " + full);
    }
}
