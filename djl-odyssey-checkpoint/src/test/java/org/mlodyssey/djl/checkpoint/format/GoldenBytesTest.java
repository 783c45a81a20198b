/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.utf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's exact bytes, against an expectation written out from the spec. */
class GoldenBytesTest {

    // 1.0f and -2.0f, little-endian
    private static final byte[] WEIGHT = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0};
    private static final byte[] STEP = {7};

    @TempDir Path dir;

    private static TensorFile input() {
        TensorFile checkpoint = new TensorFile();
        checkpoint.put(
                "weight", Tensor.of(TensorDType.F32, new long[] {2}, ByteBuffer.wrap(WEIGHT)));
        checkpoint.put("step", Tensor.of(TensorDType.U8, new long[0], ByteBuffer.wrap(STEP)));
        checkpoint.putMetadata("epoch", "3");
        return checkpoint;
    }

    @Test
    void writerBytesMatchTheSpec() throws IOException {
        Path path = dir.resolve("golden.safetensors");
        input().save(path, WriteOptions.builder().optDurable(false).build());

        String tensorCrcs = Fixtures.crcHex(WEIGHT) + "," + Fixtures.crcHex(STEP);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("epoch", "3");
        metadata.put("odyssey.format", "djl-odyssey");
        metadata.put("odyssey.format_version", "1");
        metadata.put("odyssey.tensor_crc32c", tensorCrcs);
        String headerCrc =
                Fixtures.headerCrc(
                        List.of(
                                new Fixtures.Entry("weight", "F32", new long[] {2}, 0, 8),
                                new Fixtures.Entry("step", "U8", new long[0], 8, 9)),
                        metadata);
        String json =
                "{\"__metadata__\":{\"epoch\":\"3\",\"odyssey.format\":\"djl-odyssey\","
                        + "\"odyssey.format_version\":\"1\","
                        + "\"odyssey.header_crc32c\":\""
                        + headerCrc
                        + "\",\"odyssey.tensor_crc32c\":\""
                        + tensorCrcs
                        + "\"},"
                        + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"step\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[8,9]}}";
        StringBuilder padded = new StringBuilder(json);
        while ((8 + padded.length()) % 8 != 0) {
            padded.append(' ');
        }
        byte[] header = utf8(padded.toString());
        ByteBuffer expected =
                ByteBuffer.allocate(8 + header.length + 9).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(header.length).put(header).put(WEIGHT).put(STEP);

        byte[] actual = Files.readAllBytes(path);
        assertEquals(
                new String(expected.array(), java.nio.charset.StandardCharsets.ISO_8859_1),
                new String(actual, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(0, (8 + header.length) % 8, "data must start at a multiple of 8");
    }

    @Test
    void sameInputGivesSameBytes() throws IOException {
        Path first = dir.resolve("a.safetensors");
        Path second = dir.resolve("b.safetensors");
        WriteOptions options = WriteOptions.builder().optDurable(false).build();
        input().save(first, options);
        input().save(second, options);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        // and a loaded checkpoint saves back to the same bytes
        Path third = dir.resolve("c.safetensors");
        try (TensorFile loaded = TensorFile.load(first)) {
            loaded.save(third, options);
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(third));
    }

    @Test
    void dataStartIsAlignedForEveryHeaderLength() throws IOException {
        WriteOptions options = WriteOptions.builder().optDurable(false).build();
        for (int length = 1; length <= 9; length++) {
            TensorFile checkpoint = input();
            checkpoint.putMetadata("pad", "x".repeat(length));
            Path path = dir.resolve("p" + length + ".safetensors");
            checkpoint.save(path, options);
            ByteBuffer prefix =
                    ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = prefix.getLong(0);
            assertEquals(0, (8 + headerLength) % 8, "header length " + headerLength);
            assertEquals(8 + headerLength + 9, Files.size(path));
        }
    }

    @Test
    void headerChecksumSortsMetadataByUtf8Bytes() throws IOException {
        // U+FF5E sorts before U+1F600 in UTF-8 bytes, after it in UTF-16 chars
        TensorFile checkpoint = input();
        checkpoint.putMetadata("\uFF5E", "a");
        checkpoint.putMetadata("\uD83D\uDE00", "b");
        checkpoint.putMetadata("\u00e9t\u00e9", "c");
        Path path = dir.resolve("utf8.safetensors");
        checkpoint.save(path, WriteOptions.builder().optDurable(false).build());
        try (TensorFileReader reader = TensorFileReader.open(path)) {
            Map<String, String> metadata = reader.header().metadata();
            String expected =
                    Fixtures.headerCrc(
                            List.of(
                                    new Fixtures.Entry("weight", "F32", new long[] {2}, 0, 8),
                                    new Fixtures.Entry("step", "U8", new long[0], 8, 9)),
                            metadata);
            assertEquals(expected, metadata.get("odyssey.header_crc32c"));
        }
    }
}
