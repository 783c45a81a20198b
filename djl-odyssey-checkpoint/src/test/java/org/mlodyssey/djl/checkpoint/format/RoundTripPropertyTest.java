/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/** Seeded random tensor sets over every dtype survive save and load exactly. */
class RoundTripPropertyTest {

    private static final WriteOptions FAST = WriteOptions.builder().optDurable(false).build();

    @TempDir Path dir;

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] result = new byte[buffer.remaining()];
        buffer.duplicate().get(result);
        return result;
    }

    /** A random checkpoint: every dtype at least once, scalars and zero-sized dims included. */
    private static TensorFile randomCheckpoint(Random random) {
        TensorFile checkpoint = new TensorFile();
        List<TensorDType> dtypes = new ArrayList<>(List.of(TensorDType.values()));
        int extra = random.nextInt(8);
        for (int i = 0; i < extra; i++) {
            dtypes.add(TensorDType.values()[random.nextInt(TensorDType.values().length)]);
        }
        java.util.Collections.shuffle(dtypes, random);
        int i = 0;
        for (TensorDType dtype : dtypes) {
            int rank = random.nextInt(5); // 0 = scalar
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(4);
            }
            long count = 1;
            for (long dim : shape) {
                count *= dim;
            }
            byte[] data = new byte[(int) (count * dtype.byteSize())];
            random.nextBytes(data);
            String name = (random.nextBoolean() ? "layer" + i + ".w" : "t/" + i + "\u00e9\u4e2d");
            checkpoint.put(name, Tensor.of(dtype, shape, ByteBuffer.wrap(data)));
            i++;
        }
        checkpoint.putMetadata("seed.note", "value " + random.nextInt());
        checkpoint.putMetadata("quote\"and\\slash", "line\nbreak\t\u2028\u0000");
        return checkpoint;
    }

    private static void assertSameTensors(TensorFile expected, TensorFile actual)
            throws IOException {
        assertEquals(new ArrayList<>(expected.names()), new ArrayList<>(actual.names()));
        for (String name : expected.names()) {
            Tensor e = expected.get(name);
            Tensor a = actual.get(name);
            assertEquals(e.dtype(), a.dtype(), name);
            assertArrayEquals(e.shape(), a.shape(), name);
            assertEquals(e.byteSize(), a.byteSize(), name);
            assertArrayEquals(bytes(e.data()), bytes(a.data()), name);
        }
    }

    @Test
    void randomCheckpointsRoundTripExactly() throws IOException {
        Set<TensorDType> seen = EnumSet.noneOf(TensorDType.class);
        boolean sawScalar = false;
        boolean sawZeroSized = false;
        for (long seed = 1; seed <= 40; seed++) {
            TensorFile original = randomCheckpoint(new Random(seed));
            Path path = dir.resolve("rt" + seed + ".safetensors");
            original.save(path, FAST);
            try (TensorFile loaded = TensorFile.load(path)) {
                assertSameTensors(original, loaded);
                assertEquals(original.metadata(), loaded.metadata(), "seed " + seed);
                assertEquals(Integrity.VERIFIED, loaded.integrity());
                assertEquals(FormatKeys.UNCOMPRESSED_VERSION, loaded.formatVersion());
                loaded.verify();
            }
            for (Tensor tensor : original.tensors().values()) {
                seen.add(tensor.dtype());
                sawScalar |= tensor.shape().length == 0;
                sawZeroSized |= tensor.byteSize() == 0;
            }
        }
        assertEquals(EnumSet.allOf(TensorDType.class), seen);
        assertTrue(sawScalar && sawZeroSized, "the generator must cover scalars and zero sizes");
    }

    @Test
    void randomCheckpointsRoundTripSharded() throws IOException {
        for (long seed = 100; seed < 110; seed++) {
            Random random = new Random(seed);
            TensorFile original = randomCheckpoint(random);
            Path path = dir.resolve("sharded" + seed + ".safetensors");
            long maxShardBytes = 1 + random.nextInt(64);
            original.save(
                    path,
                    WriteOptions.builder()
                            .optDurable(false)
                            .optMaxShardBytes(maxShardBytes)
                            .optThreads(1 + random.nextInt(3))
                            .build());
            try (TensorFile loaded = TensorFile.load(path)) {
                assertSameTensors(original, loaded);
                assertEquals(original.metadata(), loaded.metadata(), "seed " + seed);
                loaded.verify();
            }
            ReadOptions off = ReadOptions.builder().optVerify(false).build();
            try (TensorFile loaded = TensorFile.load(path, off)) {
                assertEquals(Integrity.DISABLED, loaded.integrity());
                assertSameTensors(original, loaded);
            }
        }
    }

    @Test
    void emptyCheckpointRoundTrips() throws IOException {
        Path path = dir.resolve("empty.safetensors");
        new TensorFile().putMetadata("k", "v").save(path, FAST);
        try (TensorFile loaded = TensorFile.load(path)) {
            assertTrue(loaded.names().isEmpty());
            assertEquals(Map.of("k", "v"), loaded.metadata());
        }
    }

    @Test
    void unknownMetadataSurvivesReadModifyWrite() throws IOException {
        // a file from a newer writer of the same version, with keys this library does not know
        byte[] data = {1, 2, 3, 4};
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("odyssey.format", "djl-odyssey");
        metadata.put("odyssey.format_version", "1");
        metadata.put("odyssey.something", "kept");
        metadata.put("odyssey.tensor_crc32c", Fixtures.crcHex(data));
        metadata.put("vendor.key", "also kept");
        metadata.put(
                "odyssey.header_crc32c",
                Fixtures.headerCrc(
                        List.of(new Fixtures.Entry("a", "I32", new long[] {1}, 0, 4)), metadata));
        StringBuilder json = new StringBuilder("{\"__metadata__\":{");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            json.append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append("\",");
        }
        json.setLength(json.length() - 1);
        json.append("},\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        Path path = Fixtures.write(dir, "newer.safetensors", Fixtures.file(json.toString(), data));

        Path resaved = dir.resolve("resaved.safetensors");
        try (TensorFile loaded = TensorFile.load(path)) {
            assertEquals(
                    Map.of("odyssey.something", "kept", "vendor.key", "also kept"),
                    loaded.metadata());
            loaded.putMetadata("epoch", "2");
            loaded.put(
                    "b", Tensor.of(TensorDType.U8, new long[] {2}, ByteBuffer.wrap(new byte[2])));
            loaded.save(resaved, FAST);
        }
        try (TensorFile again = TensorFile.load(resaved)) {
            assertEquals(
                    new TreeMap<>(
                            Map.of(
                                    "odyssey.something",
                                    "kept",
                                    "vendor.key",
                                    "also kept",
                                    "epoch",
                                    "2")),
                    again.metadata());
            assertEquals(List.of("a", "b"), new ArrayList<>(again.names()));
            assertArrayEquals(data, bytes(again.get("a").data()));
        }
    }

    @Test
    void subsetLoadsOnlyTheNamedTensors() throws IOException {
        TensorFile original = randomCheckpoint(new Random(7));
        Path path = dir.resolve("subset.safetensors");
        original.save(path, FAST);
        List<String> names = new ArrayList<>(original.names());
        List<String> wanted = List.of(names.get(names.size() - 1), names.get(1));
        try (TensorFile loaded =
                TensorFile.load(path, ReadOptions.builder().optNames(wanted).build())) {
            // file order, not request order
            assertEquals(
                    List.of(names.get(1), names.get(names.size() - 1)),
                    new ArrayList<>(loaded.names()));
            assertFalse(loaded.contains(names.get(0)));
            for (String name : wanted) {
                assertArrayEquals(bytes(original.get(name).data()), bytes(loaded.get(name).data()));
            }
        }
    }

    @Test
    void verificationOffIsReported() throws IOException {
        TensorFile original = randomCheckpoint(new Random(11));
        Path path = dir.resolve("noverify.safetensors");
        original.save(path, FAST);
        try (TensorFile loaded =
                TensorFile.load(path, ReadOptions.builder().optVerify(false).build())) {
            assertEquals(Integrity.DISABLED, loaded.integrity());
            assertSameTensors(original, loaded);
        }
    }

    @Test
    void plainSafetensorsLoadsUnchecked() throws IOException {
        byte[] data = {0, 0, (byte) 0x80, 0x3f, 9, 1};
        String json =
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        Path path = Fixtures.write(dir, "plain.safetensors", Fixtures.file(json, data));
        try (TensorFile loaded = TensorFile.load(path)) {
            assertEquals(0, loaded.formatVersion());
            assertEquals(Integrity.UNCHECKED, loaded.integrity());
            assertEquals(List.of("a", "b"), new ArrayList<>(loaded.names()), "data order");
            assertEquals(Map.of("format", "pt"), loaded.metadata());
            assertEquals(1.0f, loaded.get("a").data().getFloat(0));
            assertArrayEquals(new byte[] {9, 1}, bytes(loaded.get("b").data()));
            loaded.verify(); // nothing to check, nothing thrown
        }
        // without any metadata at all
        Path bare =
                Fixtures.write(
                        dir,
                        "bare.safetensors",
                        Fixtures.file(
                                "{\"x\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                                new byte[] {1}));
        try (TensorFile loaded = TensorFile.load(bare)) {
            assertEquals(0, loaded.formatVersion());
            assertEquals(Integrity.UNCHECKED, loaded.integrity());
            assertTrue(loaded.metadata().isEmpty());
        }
    }

    @Test
    void textThatUtf8CannotHoldIsRefusedNotAltered() throws IOException {
        // a lone surrogate would otherwise be written as '?', silently renaming the tensor
        Tensor scalar = Tensor.of(TensorDType.U8, new long[0], ByteBuffer.wrap(new byte[1]));
        Path path = dir.resolve("surrogate.safetensors");
        TensorFile badName = new TensorFile().put("w\uD800", scalar);
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> badName.save(path, FAST));
        TensorFile badValue = new TensorFile().put("w", scalar).putMetadata("k", "\uDC00x");
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> badValue.save(path, FAST));
        TensorFile badKey = new TensorFile().put("w", scalar).putMetadata("\uD83Dk", "v");
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> badKey.save(path, FAST));
        assertFalse(java.nio.file.Files.exists(path));
        // a proper pair is fine
        TensorFile good = new TensorFile().put("w\uD83D\uDE00", scalar);
        good.save(path, FAST);
        try (TensorFile loaded = TensorFile.load(path)) {
            assertEquals(List.of("w\uD83D\uDE00"), new ArrayList<>(loaded.names()));
        }
    }
}
