/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/** Compressed (version 2) files round-trip every dtype and shape, whole and in ranges. */
class CompressionRoundTripTest {

    private static final int CHUNK = Compression.MIN_CHUNK_BYTES;

    @TempDir Path dir;

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] result = new byte[copy.remaining()];
        copy.get(result);
        return result;
    }

    /** Data that compresses: smooth floats (or small integers), little-endian. */
    private static byte[] compressible(TensorDType dtype, int count, Random random) {
        ByteBuffer buffer =
                ByteBuffer.allocate(count * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            float value = (float) (random.nextGaussian() * 0.05);
            switch (dtype) {
                case F32:
                    buffer.putFloat(value);
                    break;
                case F64:
                    buffer.putDouble(value);
                    break;
                case BF16:
                    buffer.putShort((short) (Float.floatToRawIntBits(value) >>> 16));
                    break;
                case F16:
                    buffer.putShort(toHalf(value));
                    break;
                default:
                    for (int b = 0; b < dtype.byteSize(); b++) {
                        buffer.put((byte) (b == 0 ? random.nextInt(4) : 0));
                    }
            }
        }
        return buffer.array();
    }

    /** Converts to binary16 by truncation (enough for test data). */
    private static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        if (exponent <= 0) {
            return (short) sign;
        }
        return (short) (sign | Math.min(exponent, 30) << 10 | (bits >>> 13) & 0x3FF);
    }

    /** Element counts: empty, one, odd, and around chunk boundaries. */
    private static long[][] shapes(TensorDType dtype) {
        int perChunk = CHUNK / dtype.byteSize();
        return new long[][] {
            {},
            {0},
            {3, 0},
            {1},
            {7},
            {3, 5},
            {perChunk - 1},
            {perChunk},
            {perChunk + 1},
            {2, perChunk},
            {3 * perChunk + 5}
        };
    }

    private TensorFile randomCheckpoint(Random random, Set<TensorDType> dtypes) {
        TensorFile checkpoint = new TensorFile().putMetadata("note", "compressed");
        int n = 0;
        for (TensorDType dtype : dtypes) {
            for (long[] shape : shapes(dtype)) {
                long count = 1;
                for (long dim : shape) {
                    count *= dim;
                }
                byte[] data;
                if (random.nextBoolean()) {
                    data = compressible(dtype, (int) count, random);
                } else {
                    data = new byte[(int) count * dtype.byteSize()];
                    random.nextBytes(data);
                }
                checkpoint.put(dtype + "/" + (n++), Tensor.of(dtype, shape, ByteBuffer.wrap(data)));
            }
        }
        return checkpoint;
    }

    private static void assertSame(TensorFile expected, TensorFile actual, Random random)
            throws IOException {
        assertEquals(
                expected.tensors().keySet().stream().toList(),
                actual.tensors().keySet().stream().toList());
        for (Map.Entry<String, Tensor> entry : expected.tensors().entrySet()) {
            Tensor want = entry.getValue();
            Tensor got = actual.get(entry.getKey());
            assertEquals(want.dtype(), got.dtype(), entry.getKey());
            assertArrayEquals(want.shape(), got.shape(), entry.getKey());
            byte[] data = bytes(want.data());
            assertArrayEquals(data, bytes(got.data()), entry.getKey());
            ByteBuffer into = ByteBuffer.allocateDirect(data.length + 3);
            into.position(3);
            got.copyTo(into);
            assertEquals(data.length + 3, into.position());
            into.position(3);
            assertArrayEquals(data, bytes(into), entry.getKey());
        }
    }

    private void roundTrip(Compression compression, long seed) throws IOException {
        Random random = new Random(seed);
        TensorFile original = randomCheckpoint(random, EnumSet.allOf(TensorDType.class));
        Path path = dir.resolve("z" + seed + ".safetensors");
        original.save(
                path, WriteOptions.builder().optDurable(false).optCompression(compression).build());
        try (TensorFileReader reader = TensorFileReader.open(path)) {
            assertEquals(FormatKeys.COMPRESSED_VERSION, reader.formatVersion());
            assertEquals(Integrity.VERIFIED, reader.integrity());
            int compressed = 0;
            for (TensorEntry entry : reader.header().entries()) {
                TensorStorage storage = reader.storage(entry.name());
                if (!"none".equals(storage.codec())) {
                    compressed++;
                    assertTrue(storage.storedBytes() < storage.byteSize(), entry::toString);
                    assertEquals(ChunkTable.chunkCount(entry.byteSize(), CHUNK), storage.chunks());
                }
                byte[] whole = bytes(original.get(entry.name()).data());
                for (int k = 0; k < 4 && whole.length > 0; k++) {
                    int offset = random.nextInt(whole.length);
                    int length = random.nextInt(whole.length - offset + 1);
                    assertArrayEquals(
                            java.util.Arrays.copyOfRange(whole, offset, offset + length),
                            bytes(reader.readRange(entry.name(), offset, length)),
                            entry + " range " + offset + "+" + length);
                }
            }
            assertTrue(compressed > 0, "some tensors must compress");
            reader.verify();
        }
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(original, loaded, random);
            assertEquals(original.metadata(), loaded.metadata());
            loaded.verify();
        }
        ReadOptions off = ReadOptions.builder().optVerify(false).build();
        try (TensorFile loaded = TensorFile.load(path, off)) {
            assertEquals(Integrity.DISABLED, loaded.integrity());
            assertSame(original, loaded, random);
        }
    }

    @Test
    void everyDtypeAndShapeRoundTripsWithEachFilter() throws IOException {
        long seed = 1;
        for (ChunkFilter filter : ChunkFilter.values()) {
            roundTrip(Compression.zstd(3).withChunkBytes(CHUNK).withFilter(filter), seed++);
        }
        roundTrip(Compression.zstd(1).withChunkBytes(CHUNK), seed++);
        roundTrip(Compression.zstd(19).withChunkBytes(CHUNK), seed++);
    }

    @Test
    void shardedSavesCompressEachShard() throws IOException {
        Random random = new Random(42);
        TensorFile original = randomCheckpoint(random, EnumSet.of(TensorDType.F32));
        Path path = dir.resolve("sharded.safetensors");
        original.save(
                path,
                WriteOptions.builder()
                        .optDurable(false)
                        .optMaxShardBytes(8 * CHUNK)
                        .optCompression(Compression.zstd(3).withChunkBytes(CHUNK))
                        .build());
        assertTrue(Files.exists(dir.resolve("sharded.safetensors.index.json")));
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(original, loaded, random);
            loaded.verify();
        }
    }

    @Test
    void nothingShrinksMeansAPlainVersion1File() throws IOException {
        byte[] noise = new byte[3 * CHUNK];
        new Random(7).nextBytes(noise);
        TensorFile original =
                new TensorFile()
                        .put(
                                "noise",
                                Tensor.of(
                                        TensorDType.U8,
                                        new long[] {noise.length},
                                        ByteBuffer.wrap(noise)))
                        .put(
                                "scalar",
                                Tensor.of(TensorDType.F32, new long[0], ByteBuffer.allocate(4)));
        Path path = dir.resolve("plain.safetensors");
        original.save(
                path,
                WriteOptions.builder()
                        .optDurable(false)
                        .optCompression(Compression.zstd(3).withChunkBytes(CHUNK))
                        .build());
        try (TensorFileReader reader = TensorFileReader.open(path)) {
            assertEquals(FormatKeys.UNCOMPRESSED_VERSION, reader.formatVersion());
            assertEquals("none", reader.storage("noise").codec());
            assertArrayEquals(noise, bytes(reader.read("noise")));
        }
    }

    @Test
    void writerIsDeterministic() throws IOException {
        TensorFile original = randomCheckpoint(new Random(3), EnumSet.of(TensorDType.BF16));
        WriteOptions options =
                WriteOptions.builder()
                        .optDurable(false)
                        .optCompression(Compression.zstd(3).withChunkBytes(CHUNK))
                        .build();
        original.save(dir.resolve("a.safetensors"), options);
        original.save(dir.resolve("b.safetensors"), options);
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("a.safetensors")),
                Files.readAllBytes(dir.resolve("b.safetensors")));
    }

    @Test
    void convertsBetweenVersions() throws IOException {
        TensorFile original = randomCheckpoint(new Random(5), EnumSet.of(TensorDType.F16));
        Path v1 = dir.resolve("v1.safetensors");
        Path v2 = dir.resolve("v2.safetensors");
        Path back = dir.resolve("back.safetensors");
        original.save(v1, WriteOptions.builder().optDurable(false).build());
        try (TensorFile loaded = TensorFile.load(v1)) {
            loaded.save(
                    v2,
                    WriteOptions.builder()
                            .optDurable(false)
                            .optCompression(Compression.zstd(3).withChunkBytes(CHUNK))
                            .build());
        }
        try (TensorFile loaded = TensorFile.load(v2)) {
            assertEquals(FormatKeys.COMPRESSED_VERSION, loaded.formatVersion());
            loaded.save(back, WriteOptions.builder().optDurable(false).build());
        }
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(back));
    }
}
