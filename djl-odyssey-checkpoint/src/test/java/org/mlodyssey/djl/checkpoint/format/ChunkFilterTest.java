/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The filters' byte layouts, as the spec gives them, and their exact inversion. */
class ChunkFilterTest {

    private static byte[] roundTrip(ChunkFilter filter, int k, byte[] data) {
        byte[] encoded = new byte[data.length];
        filter.encode(k, data, encoded, data.length);
        byte[] decoded = new byte[data.length];
        filter.decode(k, encoded, decoded, data.length);
        assertArrayEquals(data, decoded, filter + " k=" + k);
        return encoded;
    }

    @Test
    void shuffleGroupsBytesByPlane() {
        byte[] data = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(
                new byte[] {1, 5, 2, 6, 3, 7, 4, 8}, roundTrip(ChunkFilter.SHUFFLE, 4, data));
        assertArrayEquals(
                new byte[] {1, 3, 5, 7, 2, 4, 6, 8}, roundTrip(ChunkFilter.SHUFFLE, 2, data));
        assertArrayEquals(data, roundTrip(ChunkFilter.SHUFFLE, 8, data));
        assertArrayEquals(data, roundTrip(ChunkFilter.SHUFFLE, 1, data));
        assertArrayEquals(data, roundTrip(ChunkFilter.NONE, 4, data));
    }

    @Test
    void splitPutsTheExponentInTheTopPlane() {
        // 1.0f = 0x3F800000 and -2.0f = 0xC0000000, rotated left by one bit: 0x7F000000 and
        // 0x80000001 (the sign now the lowest bit, the exponent the top byte)
        ByteBuffer floats = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        floats.putFloat(1.0f).putFloat(-2.0f);
        assertArrayEquals(
                new byte[] {0, 1, 0, 0, 0, 0, 0x7F, (byte) 0x80},
                roundTrip(ChunkFilter.SPLIT, 4, floats.array()));
        // bfloat16 1.0 = 0x3F80 -> 0x7F00; -0.0 = 0x8000 -> 0x0001
        ByteBuffer halves = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        halves.putShort((short) 0x3F80).putShort((short) 0x8000);
        assertArrayEquals(
                new byte[] {0, 1, 0x7F, 0}, roundTrip(ChunkFilter.SPLIT, 2, halves.array()));
    }

    /** The spec's definition, byte by byte: the reference the fast paths must match. */
    private static byte[] reference(ChunkFilter filter, int k, byte[] data) {
        int count = data.length / k;
        byte[] out = new byte[data.length];
        for (int j = 0; j < count; j++) {
            long v = 0;
            for (int b = 0; b < k; b++) {
                v |= (data[j * k + b] & 0xFFL) << (8 * b);
            }
            if (filter == ChunkFilter.SPLIT || filter == ChunkFilter.SPLIT_PLANES) {
                long mask = k == 8 ? -1L : (1L << (8 * k)) - 1;
                v = ((v << 1) | (v >>> (8 * k - 1))) & mask;
            }
            for (int b = 0; b < k; b++) {
                out[b * count + j] = (byte) (v >>> (8 * b));
            }
        }
        return out;
    }

    @Test
    void encodingMatchesTheSpecOnLongChunks() {
        byte[] random = new byte[8 * 1003];
        new Random(5).nextBytes(random);
        for (ChunkFilter filter : ChunkFilter.values()) {
            if (filter == ChunkFilter.NONE) {
                continue;
            }
            for (int k : new int[] {2, 4, 8}) {
                for (int length : new int[] {random.length, 8 * 64, 8 * 7}) {
                    byte[] data = java.util.Arrays.copyOf(random, length);
                    assertArrayEquals(
                            reference(filter, k, data),
                            roundTrip(filter, k, data),
                            filter + " k=" + k + " n=" + length);
                }
            }
        }
    }

    @Test
    void everySixteenBitPatternRoundTrips() {
        ByteBuffer all = ByteBuffer.allocate(2 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int v = 0; v < 1 << 16; v++) {
            all.putShort((short) v);
        }
        for (ChunkFilter filter : ChunkFilter.values()) {
            roundTrip(filter, 2, all.array());
        }
    }

    @Test
    void specialValuesAndRandomBitsRoundTrip() {
        ByteBuffer specials = ByteBuffer.allocate(8 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d :
                new double[] {
                    0.0,
                    -0.0,
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.MIN_VALUE,
                    -Double.MAX_VALUE,
                    1e-310
                }) {
            specials.putDouble(d);
        }
        byte[] random = new byte[8 * 1001];
        new Random(3).nextBytes(random);
        for (ChunkFilter filter : ChunkFilter.values()) {
            for (int k : new int[] {1, 2, 4, 8}) {
                roundTrip(filter, k, specials.array());
                roundTrip(filter, k, random);
                roundTrip(filter, k, new byte[0]);
            }
        }
    }

    @Test
    void idsAndDefaults() {
        for (ChunkFilter filter : ChunkFilter.values()) {
            assertEquals(Optional.of(filter), ChunkFilter.fromId(filter.id()));
        }
        assertEquals(Optional.empty(), ChunkFilter.fromId("xor"));
        Compression zstd = Compression.zstd(3);
        assertEquals(ChunkFilter.SPLIT_PLANES, zstd.filterFor(TensorDType.BF16));
        assertEquals(ChunkFilter.SPLIT_PLANES, zstd.filterFor(TensorDType.F32));
        assertEquals(true, ChunkFilter.SPLIT_PLANES.framePerPlane());
        assertEquals(true, ChunkFilter.SHUFFLE_PLANES.framePerPlane());
        assertEquals(false, ChunkFilter.SPLIT.framePerPlane());
        assertEquals(
                ChunkFilter.SPLIT, zstd.withFilter(ChunkFilter.SPLIT).filterFor(TensorDType.F64));
        assertEquals(ChunkFilter.NONE, zstd.filterFor(TensorDType.I32));
        assertEquals(
                ChunkFilter.NONE, zstd.withFilter(ChunkFilter.SHUFFLE).filterFor(TensorDType.U16));
        assertEquals(Compression.zstd(7).toString(), Compression.parse("zstd:7").toString());
        assertEquals(Compression.DEFAULT_LEVEL, Compression.parse("zstd").level());
        assertEquals(false, Compression.parse("none").enabled());
    }
}
