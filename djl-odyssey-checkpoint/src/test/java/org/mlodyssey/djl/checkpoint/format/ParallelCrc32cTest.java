/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.internal.ParallelCrc32c;

/** Chunked, parallel CRC32C equals the sequential one, whatever the sizes and splits. */
class ParallelCrc32cTest {

    private static int sequential(byte[] data, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, from, length);
        return (int) crc.getValue();
    }

    @Test
    void combiningTwoPartsEqualsTheWhole() {
        Random random = new Random(1);
        byte[] data = new byte[10_000];
        random.nextBytes(data);
        for (int split : new int[] {0, 1, 7, 8, 4095, 5000, 9999, 10_000}) {
            int first = sequential(data, 0, split);
            int second = sequential(data, split, data.length - split);
            assertEquals(
                    sequential(data, 0, data.length),
                    ParallelCrc32c.combine(first, second, data.length - split),
                    "split at " + split);
        }
    }

    @Test
    void manyBuffersAcrossChunkBoundariesMatchTheSequentialChecksums() {
        Random random = new Random(2);
        int[] sizes = {
            0,
            1,
            3,
            ParallelCrc32c.CHUNK - 1,
            ParallelCrc32c.CHUNK,
            2 * ParallelCrc32c.CHUNK + 5,
            17
        };
        List<ByteBuffer> buffers = new ArrayList<>();
        int[] expected = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[sizes[i] + 3];
            random.nextBytes(data);
            expected[i] = sequential(data, 3, sizes[i]);
            ByteBuffer buffer =
                    i % 2 == 0
                            ? ByteBuffer.allocateDirect(data.length)
                            : ByteBuffer.allocate(data.length);
            buffer.put(data).position(3); // checksums start at the position
            buffers.add(buffer);
        }
        assertArrayEquals(expected, ParallelCrc32c.of(buffers));
        for (ByteBuffer buffer : buffers) {
            assertEquals(3, buffer.position(), "positions do not move");
        }
        assertEquals(expected[5], ParallelCrc32c.of(buffers.get(5)));
    }
}
