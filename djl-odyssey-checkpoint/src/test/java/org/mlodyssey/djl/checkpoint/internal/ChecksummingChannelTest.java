/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The count and CRC32C of the bytes a checksumming channel passes on, piece by piece. */
class ChecksummingChannelTest {

    /** A channel that takes at most a few bytes per write, and records each write's size. */
    private static final class StingyChannel implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writes = new ArrayList<>();
        final int most;

        StingyChannel(int most) {
            this.most = most;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(most, src.remaining());
            byte[] taken = new byte[n];
            src.get(taken);
            bytes.write(taken, 0, n);
            writes.add(src.remaining() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void passesALargeBufferOnInPiecesAndChecksumsWhatWasTaken() throws Exception {
        byte[] data = new byte[(3 << 20) + 777];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i ^ (i >>> 9));
        }
        StingyChannel below = new StingyChannel(Integer.MAX_VALUE);
        ChecksummingChannel channel = new ChecksummingChannel(below);
        ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(data.length, channel.write(src));
        assertEquals(0, src.remaining());
        assertArrayEquals(data, below.bytes.toByteArray());
        assertTrue(
                below.writes.stream().allMatch(size -> size <= ChecksummingChannel.PIECE),
                "every write at most a piece: " + below.writes);
        assertEquals(4, below.writes.size());
        CRC32C expected = new CRC32C();
        expected.update(data);
        assertEquals((int) expected.getValue(), channel.crc32c());
        assertEquals(data.length, channel.count());
    }

    @Test
    void aChannelThatTakesFewerBytesGetsTheRestAgainAndTheChecksumCountsEachByteOnce()
            throws Exception {
        byte[] data = new byte[10_000];
        Arrays.fill(data, (byte) 7);
        data[9_999] = 1;
        StingyChannel below = new StingyChannel(3_000);
        ChecksummingChannel channel = new ChecksummingChannel(below);
        ByteBuffer src = ByteBuffer.wrap(data);
        int calls = 0;
        while (src.hasRemaining()) {
            assertEquals(Math.min(3_000, src.remaining()), channel.write(src));
            calls++;
        }
        assertEquals(4, calls);
        assertArrayEquals(data, below.bytes.toByteArray());
        CRC32C expected = new CRC32C();
        expected.update(data);
        assertEquals((int) expected.getValue(), channel.crc32c());
        assertEquals(data.length, channel.count());
    }
}
