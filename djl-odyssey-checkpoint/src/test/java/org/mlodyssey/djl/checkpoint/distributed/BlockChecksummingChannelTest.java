/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The block checksums of a rank file's chunks, computed as the file's bytes go through. */
class BlockChecksummingChannelTest {

    private static final int BLOCK = 1000;

    @Test
    void everyBlockOfEveryChunkMatchesItsBytesWhateverTheWriteSizes() throws Exception {
        // A 57-byte header, then chunks of 2,500 bytes (a short last block), 0 bytes, 3,000 bytes
        // (whole blocks) and 1 byte.
        long[] starts = {57, 2557, 2557, 5557};
        long[] lengths = {2500, 0, 3000, 1};
        byte[] file = new byte[5558];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 7 + (i >>> 8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel below = Channels.newChannel(out);
        BlockChecksummingChannel channel =
                new BlockChecksummingChannel(below, starts, lengths, BLOCK);
        int[] writeSizes = {10, 47, 1, 999, 1500, 3000, 1};
        int at = 0;
        for (int size : writeSizes) {
            ByteBuffer src = ByteBuffer.wrap(file, at, size);
            while (src.hasRemaining()) {
                channel.write(src);
            }
            at += size;
        }
        assertEquals(file.length, at);
        assertArrayEquals(file, out.toByteArray());
        int[][] crcs = channel.blockCrcs();
        for (int c = 0; c < starts.length; c++) {
            assertArrayEquals(expected(file, starts[c], lengths[c]), crcs[c], "chunk " + c);
        }
        assertEquals(3, crcs[0].length);
        assertEquals(0, crcs[1].length);
    }

    @Test
    void chunksNotWrittenToTheirEndAreABug() throws Exception {
        BlockChecksummingChannel channel =
                new BlockChecksummingChannel(
                        Channels.newChannel(new ByteArrayOutputStream()),
                        new long[] {8},
                        new long[] {2000},
                        BLOCK);
        channel.write(ByteBuffer.allocate(1500));
        IllegalStateException e = assertThrows(IllegalStateException.class, channel::blockCrcs);
        assertTrue(e.getMessage().contains("2008"), e.getMessage());
    }

    private static int[] expected(byte[] file, long start, long length) {
        int blocks = (int) ((length + BLOCK - 1) / BLOCK);
        int[] crcs = new int[blocks];
        CRC32C crc = new CRC32C();
        for (int b = 0; b < blocks; b++) {
            int from = (int) start + b * BLOCK;
            int to = (int) Math.min(start + length, from + BLOCK);
            crc.reset();
            crc.update(file, from, to - from);
            crcs[b] = (int) crc.getValue();
        }
        return crcs;
    }
}
