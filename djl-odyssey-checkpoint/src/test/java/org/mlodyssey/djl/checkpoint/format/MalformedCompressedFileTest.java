/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.assertFormatError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * One hostile compressed (version 2) file per error kind, built byte by byte in code, independently
 * of the writer: each fails with a typed error naming the file, tensor and chunk, in bounded
 * memory.
 */
class MalformedCompressedFileTest {

    /** Tensor "w": F32 [1024], 4 KiB, one chunk of 4 KiB. */
    private static final int BYTES = 4096;

    private static final byte[] DATA = new byte[BYTES];

    static {
        for (int i = 0; i < BYTES; i++) {
            DATA[i] = (byte) (i % 7);
        }
    }

    @TempDir Path dir;

    private int count;

    private static byte[] frame(byte[] data, boolean contentSize) {
        return CompressedFixtures.frame(data, contentSize);
    }

    private static String item(long... sizes) {
        return CompressedFixtures.item("zstd", "none", "F32", "1024", BYTES, sizes);
    }

    private static String item(
            String codec, String filter, String dtype, String dims, int chunk, long... sizes) {
        return CompressedFixtures.item(codec, filter, dtype, dims, chunk, sizes);
    }

    /** A version 2 file whose stored tensors are given as (name, dtype, dims, bytes). */
    private Path v2(
            List<Object[]> stored,
            List<String> items,
            List<byte[]> uncompressed,
            Map<String, String> overrides)
            throws IOException {
        return CompressedFixtures.v2(
                dir, "z" + (count++) + ".safetensors", stored, items, uncompressed, overrides);
    }

    /** A version 2 file holding only "w", stored compressed as {@code stored}. */
    private Path single(String item, byte[] stored) throws IOException {
        return v2(
                List.<Object[]>of(
                        new Object[] {
                            "odyssey.compressed/w", "U8", new long[] {stored.length}, stored
                        }),
                List.of(item),
                List.of(DATA),
                Map.of());
    }

    private static void load(Path path, ReadOptions options) throws IOException {
        try (TensorFile checkpoint = TensorFile.load(path, options)) {
            for (Tensor tensor : checkpoint.tensors().values()) {
                tensor.data();
            }
        }
    }

    /** Asserts the error with verification on and, but for checksum errors, off. */
    private void assertKind(Kind kind, String subject, Path path) throws IOException {
        assertFormatError(kind, path, subject, () -> load(path, ReadOptions.defaults()));
        if (kind != Kind.CHECKSUM_MISMATCH) {
            ReadOptions off = ReadOptions.builder().optVerify(false).build();
            assertFormatError(kind, path, subject, () -> load(path, off));
        }
        Files.delete(path);
    }

    @Test
    void validFixtureLoads() throws IOException {
        byte[] frame = frame(DATA, true);
        Path path = single(item(frame.length), frame);
        try (TensorFile checkpoint = TensorFile.load(path)) {
            assertEquals(FormatKeys.COMPRESSED_VERSION, checkpoint.formatVersion());
            assertEquals(List.of("w"), List.copyOf(checkpoint.tensors().keySet()));
            Tensor w = checkpoint.get("w");
            assertEquals(TensorDType.F32, w.dtype());
            assertArrayEquals(new long[] {1024}, w.shape());
            ByteBuffer data = w.data();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            assertArrayEquals(DATA, bytes);
            assertTrue(checkpoint.metadata().isEmpty(), "format keys are not caller metadata");
        }
    }

    @Test
    void unknownCodec() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.UNKNOWN_CODEC,
                "w",
                single(item("lz4", "none", "F32", "1024", BYTES, frame.length), frame));
    }

    @Test
    void unknownFilter() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.UNKNOWN_CODEC,
                "w",
                single(item("zstd", "xor", "F32", "1024", BYTES, frame.length), frame));
    }

    @Test
    void unknownLogicalDtype() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.UNKNOWN_DTYPE,
                "w",
                single(item("zstd", "none", "F8_E4M3", "1024", BYTES, frame.length), frame));
    }

    @Test
    void logicalSizeOverflows() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.SIZE_OVERFLOW,
                "w.shape",
                single(
                        item("zstd", "none", "F32", "4611686018427387904,4", BYTES, frame.length),
                        frame));
    }

    @Test
    void chunkSizesReachBeyondTheStoredBytes() throws IOException {
        byte[] frame = frame(DATA, true);
        // the table says the chunk is longer than the bytes stored for the tensor
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w",
                single(item(frame.length + 8), Arrays.copyOf(frame, frame.length)));
    }

    @Test
    void chunkSizesLeaveStoredBytesUncovered() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w",
                single(item(frame.length), Arrays.copyOf(frame, frame.length + 8)));
    }

    @Test
    void storedChunkLargerThanItsData() throws IOException {
        byte[] big = new byte[BYTES + 8];
        assertKind(Kind.INVALID_CHUNK_TABLE, "w chunk 0", single(item(big.length), big));
    }

    @Test
    void emptyStoredChunk() throws IOException {
        byte[] frame = frame(Arrays.copyOf(DATA, 2048), true);
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w chunk 1",
                single(item("zstd", "none", "F32", "1024", 2048, frame.length, 0), frame));
    }

    @Test
    void wrongChunkCount() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w",
                single(item("zstd", "none", "F32", "1024", 2048, frame.length), frame));
    }

    @Test
    void chunkSizeOutOfBounds() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w",
                single(item("zstd", "none", "F32", "1024", 1 << 30, frame.length), frame));
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w",
                single(item("zstd", "none", "F32", "1024", 4100, frame.length), frame));
    }

    @Test
    void malformedItem() throws IOException {
        byte[] frame = frame(DATA, true);
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "odyssey.compressed/w",
                single("zstd:none:F32:1024", frame));
        assertKind(
                Kind.INVALID_CHUNK_TABLE,
                "w",
                single(item("zstd", "none", "F32", "1024", BYTES, -5), frame));
    }

    @Test
    void itemCountDiffersFromTensorCount() throws IOException {
        byte[] frame = frame(DATA, true);
        Path path =
                v2(
                        List.<Object[]>of(
                                new Object[] {
                                    "odyssey.compressed/w", "U8", new long[] {frame.length}, frame
                                }),
                        List.of(item(frame.length), "raw"),
                        List.of(DATA),
                        Map.of());
        assertKind(Kind.INVALID_CHUNK_TABLE, "odyssey.compression", path);
    }

    @Test
    void compressedTensorNotStoredAsBytesUnderThePrefix() throws IOException {
        byte[] frame = frame(DATA, true);
        byte[] padded = Arrays.copyOf(frame, (frame.length + 3) / 4 * 4);
        Path wrongName =
                v2(
                        List.<Object[]>of(
                                new Object[] {"w", "U8", new long[] {frame.length}, frame}),
                        List.of(item(frame.length)),
                        List.of(DATA),
                        Map.of());
        assertKind(Kind.INVALID_CHUNK_TABLE, "w", wrongName);
        Path wrongDtype =
                v2(
                        List.<Object[]>of(
                                new Object[] {
                                    "odyssey.compressed/w",
                                    "F32",
                                    new long[] {padded.length / 4},
                                    padded
                                }),
                        List.of(item(padded.length)),
                        List.of(DATA),
                        Map.of());
        assertKind(Kind.INVALID_CHUNK_TABLE, "odyssey.compressed/w", wrongDtype);
    }

    @Test
    void sameNameStoredCompressedAndRaw() throws IOException {
        byte[] frame = frame(DATA, true);
        Path path =
                v2(
                        List.<Object[]>of(
                                new Object[] {
                                    "odyssey.compressed/w", "U8", new long[] {frame.length}, frame
                                },
                                new Object[] {"w", "F32", new long[] {1024}, DATA}),
                        List.of(item(frame.length), "raw"),
                        List.of(DATA, DATA),
                        Map.of());
        assertKind(Kind.DUPLICATE_NAME, "w", path);
    }

    @Test
    void versionTwoWithoutCompressionKey() throws IOException {
        byte[] frame = frame(DATA, true);
        Map<String, String> none = new LinkedHashMap<>();
        none.put("odyssey.compression", null);
        Path path =
                v2(
                        List.<Object[]>of(
                                new Object[] {
                                    "odyssey.compressed/w", "U8", new long[] {frame.length}, frame
                                }),
                        List.of(item(frame.length)),
                        List.of(DATA),
                        none);
        assertKind(Kind.INVALID_METADATA, "odyssey.compression", path);
    }

    @Test
    void frameDeclaresAnotherSize() throws IOException {
        byte[] frame = frame(Arrays.copyOf(DATA, 2048), true);
        assertKind(Kind.DECOMPRESSED_SIZE_MISMATCH, "w chunk 0", single(item(frame.length), frame));
    }

    @Test
    void frameWithoutSizeYieldsTooFewBytes() throws IOException {
        byte[] frame = frame(Arrays.copyOf(DATA, 2048), false);
        assertKind(Kind.DECOMPRESSED_SIZE_MISMATCH, "w chunk 0", single(item(frame.length), frame));
    }

    @Test
    void decompressionBombStopsAtTheChunkSize() throws IOException {
        // 16 MiB of zeros in a frame of a few hundred bytes that does not declare its size; the
        // reader decodes into the chunk's 4 KiB and no further
        byte[] frame = frame(new byte[16 << 20], false);
        assertTrue(frame.length < BYTES, "the bomb fits the chunk: " + frame.length);
        assertKind(Kind.DECOMPRESSED_SIZE_MISMATCH, "w chunk 0", single(item(frame.length), frame));
    }

    @Test
    void truncatedFrame() throws IOException {
        byte[] frame = frame(DATA, true);
        byte[] cut = Arrays.copyOf(frame, frame.length - 3);
        assertKind(Kind.CORRUPT_CHUNK, "w chunk 0", single(item(cut.length), cut));
    }

    @Test
    void garbageFrame() throws IOException {
        byte[] garbage = new byte[100];
        new Random(1).nextBytes(garbage);
        assertKind(Kind.CORRUPT_CHUNK, "w chunk 0", single(item(garbage.length), garbage));
    }

    @Test
    void validFrameOfOtherData() throws IOException {
        byte[] other = DATA.clone();
        other[5] ^= 1;
        byte[] frame = frame(other, true);
        assertKind(Kind.CHECKSUM_MISMATCH, "w", single(item(frame.length), frame));
    }

    @Test
    void storedNameIsNotATensorName() throws IOException {
        byte[] frame = frame(DATA, true);
        Path path = single(item(frame.length), frame);
        try (TensorFileReader reader = TensorFileReader.open(path)) {
            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> reader.readRange("odyssey.compressed/w", 0, 1));
            assertEquals(Kind.MISSING_TENSOR, e.getKind());
        }
    }

    @Test
    void versionOneReaderRefusesACompressedFile() throws IOException {
        TensorFile checkpoint =
                new TensorFile()
                        .put(
                                "w",
                                Tensor.of(
                                        TensorDType.F32, new long[] {1024}, ByteBuffer.wrap(DATA)));
        Path path = dir.resolve("written.safetensors");
        checkpoint.save(
                path,
                WriteOptions.builder()
                        .optDurable(false)
                        .optCompression(Compression.zstd(3))
                        .build());
        // a version 1 reader finds a valid version 1 header (checks 1-16 pass) ...
        byte[] file = Files.readAllBytes(path);
        int length = (int) ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        TensorHeader header =
                TensorHeader.parse(
                        Arrays.copyOfRange(file, 8, 8 + length), path, file.length - 8L - length);
        // ... and refuses it on the version (check 17), never reading the data
        TensorFileFormatException e =
                assertFormatError(
                        Kind.UNSUPPORTED_VERSION,
                        path,
                        FormatKeys.FORMAT_VERSION,
                        () -> FormatKeys.version(header.metadata(), path, 1));
        assertTrue(
                e.getMessage()
                        .contains(
                                "written by format version 2, this reader supports up to 1; upgrade"
                                        + " djl-odyssey"),
                e::getMessage);
        // the stored header shows no tensor named "w": only an opaque byte string
        assertEquals(null, header.entry("w"));
        assertEquals(TensorDType.U8, header.entry("odyssey.compressed/w").dtype());
    }
}
