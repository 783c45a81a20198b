/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background flushes of a file being written, and what happens when one fails. */
class WriteBehindTest {

    @TempDir Path dir;

    @Test
    void flushesTheBytesWrittenSoFarWhileTheWriterGoesOn() throws Exception {
        Path file = dir.resolve("big.bin");
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WriteBehind behind = WriteBehind.start(channel, file);
            ByteBuffer piece = ByteBuffer.allocate(1 << 20);
            for (long written = 0;
                    written <= WriteBehind.FLUSH_BYTES;
                    written += piece.capacity()) {
                piece.clear();
                while (piece.hasRemaining()) {
                    channel.write(piece);
                }
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (behind.flushes() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(WriteBehind.PERIOD_MILLIS);
            }
            assertEquals(1, behind.flushes(), "one background flush of the first 32 MiB");
            behind.finish();
            channel.force(true);
        }
        assertEquals(WriteBehind.FLUSH_BYTES + (1 << 20), Files.size(file));
    }

    @Test
    void aFailedBackgroundFlushIsThrownByFinish() throws Exception {
        Path file = sparseFile(WriteBehind.FLUSH_BYTES);
        FileChannel channel = mock(FileChannel.class);
        IOException lost = new IOException("Input/output error");
        doThrow(lost).when(channel).force(false);
        WriteBehind behind = WriteBehind.start(channel, file);
        verify(channel, timeout(30_000)).force(false);
        IOException thrown = assertThrows(IOException.class, behind::finish);
        assertSame(lost, thrown.getCause());
        assertTrue(thrown.getMessage().contains(file.toString()), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("Input/output error"), thrown.getMessage());
    }

    @Test
    void aChannelClosedByItsWriterEndsTheFlushesQuietly() throws Exception {
        Path file = sparseFile(WriteBehind.FLUSH_BYTES);
        FileChannel channel = mock(FileChannel.class);
        doThrow(new ClosedChannelException()).when(channel).force(false);
        WriteBehind behind = WriteBehind.start(channel, file);
        awaitStopped(behind);
        verify(channel, times(1)).force(false);
        behind.finish();
        assertEquals(0, behind.flushes());
    }

    @Test
    void aFileThatCannotBeLookedAtEndsTheFlushesQuietly() throws Exception {
        FileChannel channel = mock(FileChannel.class);
        WriteBehind behind = WriteBehind.start(channel, dir.resolve("gone.bin"));
        awaitStopped(behind);
        behind.finish();
        verify(channel, never()).force(false);
        assertEquals(0, behind.flushes());
    }

    /** Waits until the background task has stopped on its own (the test fails if it never does). */
    private static void awaitStopped(WriteBehind behind) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!behind.stopped() && System.nanoTime() < deadline) {
            Thread.sleep(WriteBehind.PERIOD_MILLIS);
        }
        assertTrue(behind.stopped(), "the background task stopped by itself");
    }

    /** Creates a file of a size without writing its bytes (a sparse file). */
    private Path sparseFile(long size) throws IOException {
        Path file = dir.resolve("sparse-" + size + ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    @Test
    void aDurableAtomicWriteOfManyPiecesKeepsEveryByte() throws Exception {
        Path target = dir.resolve("target.bin");
        byte[] bytes = new byte[(int) (WriteBehind.FLUSH_BYTES * 2 + 12345)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 11));
        }
        AtomicFiles.write(
                target,
                channel -> {
                    for (int from = 0; from < bytes.length; from += 3 << 20) {
                        int length = Math.min(3 << 20, bytes.length - from);
                        ByteBuffer piece = ByteBuffer.wrap(bytes, from, length);
                        while (piece.hasRemaining()) {
                            channel.write(piece);
                        }
                    }
                },
                true);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        try (var listing = Files.list(dir)) {
            assertTrue(
                    listing.allMatch(path -> path.equals(target)),
                    "no temporary file left: " + Arrays.toString(dir.toFile().list()));
        }
    }
}
