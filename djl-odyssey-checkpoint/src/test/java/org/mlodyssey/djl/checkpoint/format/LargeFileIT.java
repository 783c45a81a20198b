/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/** Files over 2 GiB: sparse plain safetensors files, and one real file from our writer. */
class LargeFileIT {

    private static final long GIB = 1L << 30;

    @TempDir Path dir;

    /**
     * Writes a sparse plain safetensors file of U8 tensors: the header, then a hole of the data's
     * size. Returns the offset at which the data region starts.
     */
    private static long sparseFile(Path path, String[] names, long[] sizes) throws IOException {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"')
                    .append(names[i])
                    .append("\":{\"dtype\":\"U8\",\"shape\":[")
                    .append(sizes[i])
                    .append("],\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(offset + sizes[i])
                    .append("]}");
            offset += sizes[i];
        }
        json.append('}');
        while ((8 + json.length()) % 8 != 0) {
            json.append(' ');
        }
        byte[] header = Fixtures.file(json.toString(), new byte[0]);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.write(header);
            file.setLength(header.length + offset);
        }
        return header.length;
    }

    private static void poke(Path path, long position, byte value) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {value}), position);
        }
    }

    @Test
    void twoTensorsOfOneAndAHalfGibibytes() throws IOException {
        Path path = dir.resolve("two.safetensors");
        long size = 3 * GIB / 2;
        long dataStart =
                sparseFile(path, new String[] {"first", "second"}, new long[] {size, size});
        assertTrue(Files.size(path) > 2 * GIB);
        poke(path, dataStart + size - 1, (byte) 0x3c); // last byte of "first"
        poke(path, dataStart + size, (byte) 0x11); // first byte of "second"
        poke(path, dataStart + 2 * size - 1, (byte) 0x5a); // last byte of the file

        try (TensorFileReader reader = TensorFileReader.open(path)) {
            assertEquals(0, reader.formatVersion());
            ByteBuffer tail = reader.readRange("second", size - 2, 2);
            assertEquals(0, tail.get(0));
            assertEquals(0x5a, tail.get(1));
            ByteBuffer first = reader.read("first");
            assertEquals(size, first.remaining());
            assertEquals(0x3c, first.get((int) (size - 1)));
            ByteBuffer second = reader.read("second");
            assertEquals(size, second.remaining());
            assertEquals(0x11, second.get(0));
            assertEquals(0x5a, second.get((int) (size - 1)));
        }
        try (TensorFile loaded = TensorFile.load(path)) {
            assertEquals(0x5a, loaded.get("second").data().get((int) (size - 1)));
        }
    }

    @Test
    void oneTensorOfThreeGibibytes() throws IOException {
        Path path = dir.resolve("big.safetensors");
        long size = 3 * GIB;
        long dataStart = sparseFile(path, new String[] {"huge"}, new long[] {size});
        long beyond = 5 * GIB / 2;
        poke(path, dataStart + beyond, (byte) 0x77);
        poke(path, dataStart + size - 1, (byte) 0x66);
        try (TensorFileReader reader = TensorFileReader.open(path)) {
            TensorFileFormatException e =
                    assertThrows(TensorFileFormatException.class, () -> reader.read("huge"));
            assertEquals(Kind.TENSOR_TOO_LARGE, e.getKind());
            assertEquals("huge", e.getSubject());
            assertTrue(e.getMessage().contains(path.toString()), e::getMessage);
            assertEquals(0x77, reader.readRange("huge", beyond, 16).get(0));
            assertEquals(0x66, reader.readRange("huge", size - 1, 1).get(0));
            // a range across the 2 GiB boundary
            assertEquals(64, reader.readRange("huge", 2 * GIB - 32, 64).remaining());
            assertThrows(
                    IndexOutOfBoundsException.class, () -> reader.readRange("huge", size - 1, 2));
        }
        try (TensorFile loaded = TensorFile.load(path)) {
            assertEquals(size, loaded.get("huge").byteSize());
            TensorFileFormatException e =
                    assertThrows(TensorFileFormatException.class, () -> loaded.get("huge").data());
            assertEquals(Kind.TENSOR_TOO_LARGE, e.getKind());
        }
    }

    @Test
    void aRealFileOverTwoGibibytesFromOurWriter() throws IOException {
        assumeTrue(
                Files.getFileStore(dir).getUsableSpace() >= 6 * GIB,
                "needs 6 GiB free in the temp dir");
        long tensorSize = 600_000_000L;
        int count = 4;
        // the tensors' data: regions of a sparse source file, mapped, so no heap is needed
        Path source = dir.resolve("source.bin");
        try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "rw")) {
            file.setLength(tensorSize * count);
        }
        for (int i = 0; i < count; i++) {
            poke(source, i * tensorSize, (byte) (i + 1));
            poke(source, (i + 1) * tensorSize - 1, (byte) (0x40 + i));
        }
        TensorFile checkpoint = new TensorFile();
        List<MappedByteBuffer> buffers = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
            for (int i = 0; i < count; i++) {
                MappedByteBuffer buffer =
                        channel.map(FileChannel.MapMode.READ_ONLY, i * tensorSize, tensorSize);
                buffers.add(buffer);
                checkpoint.put(
                        "layer" + i, Tensor.of(TensorDType.U8, new long[] {tensorSize}, buffer));
            }
        }
        Path path = dir.resolve("real.safetensors");
        try {
            checkpoint.save(path, WriteOptions.builder().optDurable(false).build());
            Files.delete(source);
            assertTrue(Files.size(path) > 2 * GIB);
            try (TensorFile loaded = TensorFile.load(path)) {
                assertEquals(Integrity.VERIFIED, loaded.integrity());
                loaded.verify();
            }
            try (TensorFileReader reader = TensorFileReader.open(path)) {
                TensorEntry last = reader.header().entry("layer" + (count - 1));
                assertTrue(last.end() > Integer.MAX_VALUE, "data offsets beyond 2 GiB");
                for (int i = 0; i < count; i++) {
                    String name = "layer" + i;
                    assertEquals(i + 1, reader.readRange(name, 0, 1).get(0));
                    assertEquals(0x40 + i, reader.readRange(name, tensorSize - 1, 1).get(0));
                }
            }
            // a flipped byte beyond 2 GiB is found by verify, naming its tensor
            poke(path, Files.size(path) - 2, (byte) 0x01);
            try (TensorFile loaded = TensorFile.load(path)) {
                TensorFileFormatException e =
                        assertThrows(TensorFileFormatException.class, loaded::verify);
                assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind());
                assertEquals("layer" + (count - 1), e.getSubject());
            }
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(source);
        }
    }
}
