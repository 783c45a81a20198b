/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.assertFormatError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/**
 * Hostile chunks of the frame-per-plane filters ({@code split-planes}, {@code shuffle-planes}),
 * built byte by byte in code, independently of the writer: a missing frame, bytes after the last
 * one, a frame of the wrong plane size, a decompression bomb in one plane, a truncated frame. Each
 * fails with a typed error naming the file, tensor, chunk and plane, in bounded memory.
 */
class MalformedPlaneFramesTest {

    /** Tensor "w": F32 [1024], 4 KiB, one chunk of 4 KiB: four planes of 1 KiB. */
    private static final int BYTES = 4096;

    private static final int PLANE = BYTES / 4;

    private static final byte[] DATA = new byte[BYTES];

    static {
        ByteBuffer floats = ByteBuffer.wrap(DATA).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < BYTES / 4; i++) {
            floats.putFloat((i % 13) * 0.25f - 1);
        }
    }

    @TempDir Path dir;

    private int count;

    /** The four frames of DATA under {@code split-planes}: plane 0 first. */
    private static byte[][] planeFrames() {
        byte[] filtered = new byte[BYTES];
        ChunkFilter.SPLIT_PLANES.encode(4, DATA, filtered, BYTES);
        byte[][] frames = new byte[4][];
        for (int p = 0; p < 4; p++) {
            frames[p] =
                    CompressedFixtures.frame(
                            Arrays.copyOfRange(filtered, p * PLANE, (p + 1) * PLANE), true);
        }
        return frames;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A version 2 file holding only "w" under {@code filter}, stored as {@code stored}. */
    private Path single(String filter, byte[] stored) throws IOException {
        assertTrue(stored.length < BYTES, "a compressed chunk is shorter than its data");
        return CompressedFixtures.v2(
                dir,
                "p" + (count++) + ".safetensors",
                List.<Object[]>of(
                        new Object[] {
                            "odyssey.compressed/w", "U8", new long[] {stored.length}, stored
                        }),
                List.of(
                        CompressedFixtures.item(
                                "zstd", filter, "F32", "1024", BYTES, stored.length)),
                List.of(DATA),
                Map.of());
    }

    private Path single(byte[] stored) throws IOException {
        return single("split-planes", stored);
    }

    private static void assertKind(Kind kind, String subject, Path path) {
        for (ReadOptions options :
                List.of(ReadOptions.defaults(), ReadOptions.builder().optVerify(false).build())) {
            assertFormatError(
                    kind,
                    path,
                    subject,
                    () -> {
                        try (TensorFile checkpoint = TensorFile.load(path, options)) {
                            checkpoint.get("w").data();
                        }
                    });
        }
    }

    @Test
    void fourFramesOfThePlanesLoad() throws IOException {
        byte[][] frames = planeFrames();
        try (TensorFile checkpoint = TensorFile.load(single(concat(frames)))) {
            ByteBuffer data = checkpoint.get("w").data();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            assertArrayEquals(DATA, bytes);
        }
    }

    /** "w" in 4 chunks of 1 KiB (planes of 256 bytes), chunk {@code bad} with a bomb in plane 1. */
    private Path fourChunks(int bad) throws IOException {
        int chunk = BYTES / 4;
        int plane = chunk / 4;
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        long[] sizes = new long[4];
        for (int c = 0; c < 4; c++) {
            byte[] filtered = new byte[chunk];
            ChunkFilter.SPLIT_PLANES.encode(
                    4, Arrays.copyOfRange(DATA, c * chunk, (c + 1) * chunk), filtered, chunk);
            int before = stored.size();
            for (int p = 0; p < 4; p++) {
                byte[] bytes = Arrays.copyOfRange(filtered, p * plane, (p + 1) * plane);
                stored.writeBytes(
                        CompressedFixtures.frame(
                                c == bad && p == 1 ? new byte[16 << 20] : bytes, c != bad));
            }
            sizes[c] = stored.size() - before;
        }
        byte[] bytes = stored.toByteArray();
        return CompressedFixtures.v2(
                dir,
                "c" + (count++) + ".safetensors",
                List.<Object[]>of(
                        new Object[] {
                            "odyssey.compressed/w", "U8", new long[] {bytes.length}, bytes
                        }),
                List.of(
                        CompressedFixtures.item(
                                "zstd", "split-planes", "F32", "1024", chunk, sizes)),
                List.of(DATA),
                Map.of());
    }

    @Test
    void poolThreadsDecodeExactlyAfterAHostileFrame() throws IOException {
        // the chunks decode on the pool's threads, which keep their zstd context across frames
        Path good = fourChunks(-1);
        for (int round = 0; round < 8; round++) {
            assertKind(
                    Kind.DECOMPRESSED_SIZE_MISMATCH,
                    "w chunk " + (round % 4) + " plane 1",
                    fourChunks(round % 4));
            try (TensorFile checkpoint = TensorFile.load(good)) {
                ByteBuffer data = checkpoint.get("w").data();
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                assertArrayEquals(DATA, bytes);
            }
        }
    }

    @Test
    void shufflePlanesReadsItsOwnLayout() throws IOException {
        byte[] filtered = new byte[BYTES];
        ChunkFilter.SHUFFLE_PLANES.encode(4, DATA, filtered, BYTES);
        byte[][] frames = new byte[4][];
        for (int p = 0; p < 4; p++) {
            frames[p] =
                    CompressedFixtures.frame(
                            Arrays.copyOfRange(filtered, p * PLANE, (p + 1) * PLANE), false);
        }
        try (TensorFile checkpoint = TensorFile.load(single("shuffle-planes", concat(frames)))) {
            ByteBuffer data = checkpoint.get("w").data();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            assertArrayEquals(DATA, bytes);
        }
    }

    @Test
    void aMissingFrame() throws IOException {
        byte[][] frames = planeFrames();
        assertKind(
                Kind.CORRUPT_CHUNK,
                "w chunk 0 plane 3",
                single(concat(frames[0], frames[1], frames[2])));
    }

    @Test
    void bytesAfterTheLastFrame() throws IOException {
        byte[][] frames = planeFrames();
        assertKind(
                Kind.CORRUPT_CHUNK,
                "w chunk 0",
                single(concat(frames[0], frames[1], frames[2], frames[3], new byte[] {1, 2, 3})));
    }

    @Test
    void oneFrameOfTheWholeChunk() throws IOException {
        // the single-frame layout recorded under a frame-per-plane id: its frame declares 4 KiB
        // where plane 0 holds 1 KiB
        byte[] filtered = new byte[BYTES];
        ChunkFilter.SPLIT_PLANES.encode(4, DATA, filtered, BYTES);
        assertKind(
                Kind.DECOMPRESSED_SIZE_MISMATCH,
                "w chunk 0 plane 0",
                single(CompressedFixtures.frame(filtered, true)));
    }

    @Test
    void decompressionBombInOnePlane() throws IOException {
        // 16 MiB of zeros that do not declare their size, as plane 1: decoding stops at 1 KiB
        byte[][] frames = planeFrames();
        byte[] bomb = CompressedFixtures.frame(new byte[16 << 20], false);
        assertKind(
                Kind.DECOMPRESSED_SIZE_MISMATCH,
                "w chunk 0 plane 1",
                single(concat(frames[0], bomb, frames[2], frames[3])));
    }

    @Test
    void aPlaneYieldsTooFewBytes() throws IOException {
        byte[][] frames = planeFrames();
        byte[] shortFrame = CompressedFixtures.frame(new byte[PLANE - 4], false);
        assertKind(
                Kind.DECOMPRESSED_SIZE_MISMATCH,
                "w chunk 0 plane 2",
                single(concat(frames[0], frames[1], shortFrame, frames[3])));
    }

    @Test
    void truncatedLastFrame() throws IOException {
        byte[][] frames = planeFrames();
        byte[] cut = Arrays.copyOf(frames[3], frames[3].length - 3);
        assertKind(
                Kind.CORRUPT_CHUNK,
                "w chunk 0 plane 3",
                single(concat(frames[0], frames[1], frames[2], cut)));
    }

    @Test
    void garbageInsteadOfFrames() throws IOException {
        byte[] garbage = new byte[200];
        new Random(7).nextBytes(garbage);
        assertKind(Kind.CORRUPT_CHUNK, "w chunk 0 plane 0", single(garbage));
    }

    @Test
    void framesOfOtherDataFailTheChecksum() throws IOException {
        byte[][] frames = planeFrames();
        byte[] other = new byte[PLANE];
        other[3] = 9;
        Path path =
                single(
                        concat(
                                frames[0],
                                CompressedFixtures.frame(other, true),
                                frames[2],
                                frames[3]));
        assertFormatError(
                Kind.CHECKSUM_MISMATCH,
                path,
                "w",
                () -> {
                    try (TensorFile checkpoint = TensorFile.load(path)) {
                        checkpoint.get("w").data();
                    }
                });
    }
}
