/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/** How {@link DataRegion} fetches the bytes of tensors stored as they are. */
class DataRegionTest {

    /** More than twice the bounded scratch of a checksum, and not a multiple of it. */
    private static final int BIG = (9 << 20) + 3;

    @TempDir Path dir;

    private byte[] data;
    private Path file;

    private TensorFileHead write() throws IOException {
        data = new byte[BIG + 5];
        new Random(7).nextBytes(data);
        String header =
                String.format(
                        "{\"big\":{\"dtype\":\"U8\",\"shape\":[%d],\"data_offsets\":[0,%d]},"
                                + "\"small\":{\"dtype\":\"U8\",\"shape\":[5],"
                                + "\"data_offsets\":[%d,%d]}}",
                        BIG, BIG, BIG, BIG + 5);
        file = Fixtures.write(dir, "region.safetensors", Fixtures.file(header, data));
        try (FileChannel channel = FileChannel.open(file)) {
            return TensorFileHead.read(file, channel, true, TensorHeader.DEFAULT_MAX_HEADER_BYTES);
        }
    }

    @Test
    void checksumInBoundedPiecesCoversTheWholeTensor() throws IOException {
        TensorFileHead head = write();
        try (FileChannel channel = FileChannel.open(file)) {
            DataRegion region = new DataRegion(file, channel, head);
            CRC32C crc = new CRC32C();
            crc.update(data, 0, BIG);
            assertEquals((int) crc.getValue(), region.crc32c(head.positioned("big")));
        }
    }

    @Test
    void readsLeaveTheRegionWhereItWasAndRangesStartAtTheirOffset() throws IOException {
        TensorFileHead head = write();
        try (FileChannel channel = FileChannel.open(file)) {
            DataRegion region = new DataRegion(file, channel, head);
            TensorEntry small = head.positioned("small");
            ByteBuffer target = ByteBuffer.allocate(5);
            region.readInto(small, target);
            assertEquals(0, target.position());
            assertArrayEquals(Arrays.copyOfRange(data, BIG, BIG + 5), target.array());
            ByteBuffer range = region.readRange(small, 2, 3);
            byte[] bytes = new byte[3];
            range.get(bytes);
            assertArrayEquals(Arrays.copyOfRange(data, BIG + 2, BIG + 5), bytes);
        }
    }

    @Test
    void aFileThatEndsEarlyIsTruncatedNamingTheSubject() throws IOException {
        TensorFileHead head = write();
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer past = ByteBuffer.allocate(8);
            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () ->
                                    DataRegion.readFully(
                                            channel, past, head.dataStart() + BIG + 1, file, "x"));
            assertEquals(Kind.TRUNCATED, e.getKind());
            assertEquals("x", e.getSubject());
        }
    }
}
