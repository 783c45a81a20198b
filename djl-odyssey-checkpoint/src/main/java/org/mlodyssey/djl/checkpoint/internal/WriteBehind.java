/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the disk write a file's bytes while the file is still being written: a background task
 * looks at the file's size every few milliseconds and, once {@link #FLUSH_BYTES} more bytes are
 * there, flushes them ({@code fdatasync}). The final fsync of a durable write then only waits for
 * the last bytes instead of all of them, so copying into the page cache and writing to the disk
 * overlap. The file's content is the same; only when its bytes reach the disk changes.
 *
 * <p>A failed background flush is kept and thrown by {@link #finish()}: on Linux a failed fsync may
 * clear the error, so the final fsync alone could report success for bytes that were lost.
 */
public final class WriteBehind {

    /** How many new bytes start a background flush. */
    public static final long FLUSH_BYTES = 32L << 20;

    /** How often the background task looks at the file's size. */
    static final long PERIOD_MILLIS = 5;

    private static final ScheduledThreadPoolExecutor FLUSHERS = flushers();

    private final FileChannel channel;
    private final ScheduledFuture<?> task;
    private long flushedSize;
    private int flushes;
    private boolean finished;
    private IOException failure;

    private WriteBehind(FileChannel channel) {
        this.channel = channel;
        this.task =
                FLUSHERS.scheduleWithFixedDelay(
                        this::flushIfDue, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts flushing a channel's new bytes in the background while it is written.
     *
     * @param channel the file being written; the caller keeps it open until {@link #finish()}
     * @return the handle to finish with
     */
    public static WriteBehind start(FileChannel channel) {
        return new WriteBehind(channel);
    }

    /**
     * Stops the background flushes and waits for one in flight. The caller's own final {@code
     * force} follows.
     *
     * @throws IOException if a background flush failed
     */
    public synchronized void finish() throws IOException {
        finished = true;
        task.cancel(false);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Returns how many background flushes have run.
     *
     * @return the count
     */
    synchronized int flushes() {
        return flushes;
    }

    private synchronized void flushIfDue() {
        if (finished) {
            return;
        }
        try {
            long size = channel.size();
            if (size - flushedSize >= FLUSH_BYTES) {
                channel.force(false);
                flushedSize = size;
                flushes++;
            }
        } catch (ClosedChannelException e) {
            // The writer closed the channel (it failed or was interrupted): nothing left to flush.
            task.cancel(false);
        } catch (IOException e) {
            failure = e;
            task.cancel(false);
        }
    }

    private static ScheduledThreadPoolExecutor flushers() {
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(
                        2,
                        runnable -> {
                            Thread thread =
                                    new Thread(
                                            runnable,
                                            "odyssey-write-behind-" + count.incrementAndGet());
                            thread.setDaemon(true);
                            return thread;
                        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
