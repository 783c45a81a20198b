/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * Headers just under the caps, the costliest a reader accepts, parse in the bounded heap the spec
 * states: this test runs in a JVM of 512 MiB ({@code surefire.argLine}).
 */
class HeaderHeapIT {

    @TempDir Path dir;

    /** Writes a file whose header holds {@code count} tensors of the given JSON shape. */
    private static Path write(Path file, int count, String shape, int bytesEach, boolean odyssey)
            throws IOException {
        return write(file, count, shape, bytesEach, odyssey ? "00000000" : null, null);
    }

    /**
     * Writes a file whose header holds {@code count} tensors of the given JSON shape, each of zero
     * bytes.
     *
     * @param crc each tensor's checksum in a version 1 file, or {@code null} for a plain file
     * @param headerCrc the header checksum, or {@code null} for none
     */
    private static Path write(
            Path file, int count, String shape, int bytesEach, String crc, String headerCrc)
            throws IOException {
        boolean odyssey = crc != null;
        Path header = file.resolveSibling("header.json");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(header), 1 << 20)) {
            out.write('{');
            if (odyssey) {
                // a version 1 file: one checksum per tensor
                String crcs = ("," + crc).repeat(count).substring(1);
                out.write(
                        ("\"__metadata__\":{\"odyssey.format\":\"djl-odyssey\","
                                        + "\"odyssey.format_version\":\"1\","
                                        + (headerCrc == null
                                                ? ""
                                                : "\"odyssey.header_crc32c\":\""
                                                        + headerCrc
                                                        + "\",")
                                        + "\"odyssey.tensor_crc32c\":\""
                                        + crcs
                                        + "\"},")
                                .getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < count; i++) {
                String entry =
                        (i == 0 ? "" : ",")
                                + "\"tensor."
                                + i
                                + "\":{\"dtype\":\"U8\",\"shape\":"
                                + shape
                                + ",\"data_offsets\":["
                                + (long) i * bytesEach
                                + ","
                                + (long) (i + 1) * bytesEach
                                + "]}";
                out.write(entry.getBytes(StandardCharsets.US_ASCII));
            }
            out.write('}');
        }
        long headerLength = Files.size(header);
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerLength));
            try (FileChannel in = FileChannel.open(header)) {
                in.transferTo(0, headerLength, channel);
            }
            channel.write(ByteBuffer.allocate(1), 8 + headerLength + (long) count * bytesEach - 1);
        }
        Files.delete(header);
        return file;
    }

    @Test
    void theCostliestHeaderUnderTheCapsParsesIn512MiB() throws IOException {
        // 64-dimension shapes: the most heap per header byte; as many entries as fit 100 MiB
        String shape = "[" + "1,".repeat(63) + "1]";
        int count = Math.min(TensorHeader.MAX_ENTRIES - 4, 455_000);
        Path file = write(dir.resolve("costly.safetensors"), count, shape, 1, true);
        assertTrue(Files.size(file) < TensorHeader.DEFAULT_MAX_HEADER_BYTES + count + 8);
        try (TensorFileReader reader =
                TensorFileReader.open(file, false, TensorHeader.DEFAULT_MAX_HEADER_BYTES)) {
            assertEquals(count, reader.header().entries().size());
            assertEquals(1, reader.formatVersion());
        }
    }

    @Test
    void millionsOfEmptyTensorsAreRefusedNotParsedIntoTheHeap() throws IOException {
        Path file = write(dir.resolve("empty.safetensors"), 1_700_000, "[0]", 0, false);
        TensorFileFormatException e =
                assertThrows(TensorFileFormatException.class, () -> TensorFileReader.open(file));
        assertEquals(Kind.HEADER_TOO_LARGE, e.getKind(), e.getMessage());
    }

    @Test
    void theCostliestHeaderUnderTheCapsLoadsVerifiedIn512MiB() throws IOException {
        // the same header through the default path: verified header, every tensor read and checked
        String shape = "[" + "1,".repeat(63) + "1]";
        int count = Math.min(TensorHeader.MAX_ENTRIES - 4, 455_000);
        CRC32C zero = new CRC32C();
        zero.update(0);
        String crc = FormatKeys.hex((int) zero.getValue());
        Path file = write(dir.resolve("costly.safetensors"), count, shape, 1, crc, null);
        int headerCrc = headerCrc(file);
        Files.delete(file);
        write(file, count, shape, 1, crc, FormatKeys.hex(headerCrc));
        assertTrue(Files.size(file) < TensorHeader.DEFAULT_MAX_HEADER_BYTES + count + 8);
        try (TensorFile checkpoint = TensorFile.load(file)) {
            assertEquals(Integrity.VERIFIED, checkpoint.integrity());
            checkpoint.verify();
            assertEquals(count, checkpoint.names().size());
        }
    }

    /**
     * Computes a file's header checksum in a frame of its own, so that no slot of the test's frame
     * keeps the parsed header reachable.
     */
    private static int headerCrc(Path file) throws IOException {
        try (TensorFileReader reader =
                TensorFileReader.open(file, false, TensorHeader.DEFAULT_MAX_HEADER_BYTES)) {
            return reader.header().canonicalCrc32c(Set.of(FormatKeys.HEADER_CRC32C));
        }
    }

    /** Writes a plain shard holding one one-byte tensor and a metadata value of {@code bytes}. */
    private static void writeShard(Path file, String tensor, int bytes) throws IOException {
        byte[] header =
                ("{\"__metadata__\":{\"note\":\""
                                + "x".repeat(bytes)
                                + "\"},\""
                                + tensor
                                + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}")
                        .getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(
                    ByteBuffer.allocate(8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(0, header.length));
            channel.write(ByteBuffer.wrap(header));
            channel.write(ByteBuffer.allocate(1));
        }
    }

    @Test
    void shardsWhoseHeadersTogetherExceedTheCapAreRefusedIn512MiB() throws IOException {
        // each shard is under the cap; five of them held at once would not fit the heap
        int bytes = 99 << 20;
        StringBuilder weightMap = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            writeShard(dir.resolve("s" + i + ".safetensors"), "t" + i, bytes);
            weightMap.append(i == 1 ? "" : ",").append("\"t" + i + "\":\"s" + i + ".safetensors\"");
        }
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\":{" + weightMap + "}}");
        TensorFileFormatException e =
                assertThrows(TensorFileFormatException.class, () -> TensorFile.load(index));
        assertEquals(Kind.HEADER_TOO_LARGE, e.getKind(), e.getMessage());
        assertTrue(e.getMessage().contains("s2.safetensors"), e.getMessage());
    }
}
