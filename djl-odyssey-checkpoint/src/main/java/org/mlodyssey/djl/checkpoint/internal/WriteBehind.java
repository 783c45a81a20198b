/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the disk write a file's bytes while the file is still being written: a background task
 * looks at the file's size every few milliseconds (with {@code stat} on its path, which a write in
 * progress does not hold up as the channel's own {@code size()} would) and, once {@link
 * #FLUSH_BYTES} more bytes are there, flushes them ({@code fdatasync}). The final fsync of a
 * durable write then only waits for the last bytes instead of all of them, so copying into the page
 * cache and writing to the disk overlap. The file's content is the same; only when its bytes reach
 * the disk changes.
 *
 * <p>A failed background flush is kept and thrown by {@link #finish()}: on Linux a failed fsync may
 * clear the error, so the final fsync alone could report success for bytes that were lost.
 */
public final class WriteBehind {

    /** How many new bytes start a background flush. */
    public static final long FLUSH_BYTES = 32L << 20;

    /** How often the background task looks at the file's size. */
    static final long PERIOD_MILLIS = 5;

    /** The background threads: one flush each at a time; they end after a while without work. */
    private static final int FLUSHER_THREADS = 4;

    private static final long IDLE_SECONDS = 10;

    private static final ScheduledThreadPoolExecutor FLUSHERS = flushers();

    private final FileChannel channel;
    private final Path file;
    private ScheduledFuture<?> task;
    private long flushedSize;
    private int flushes;
    private boolean finished;
    private IOException failure;

    private WriteBehind(FileChannel channel, Path file) {
        this.channel = channel;
        this.file = file;
    }

    /**
     * Starts flushing a file's new bytes in the background while it is written.
     *
     * @param channel the file's channel; the caller keeps it open until {@link #finish()}
     * @param file the file's path, whose size the background task looks at
     * @return the handle to finish with
     */
    public static WriteBehind start(FileChannel channel, Path file) {
        WriteBehind behind = new WriteBehind(channel, file);
        synchronized (behind) {
            behind.task =
                    FLUSHERS.scheduleWithFixedDelay(
                            behind::flushIfDue,
                            PERIOD_MILLIS,
                            PERIOD_MILLIS,
                            TimeUnit.MILLISECONDS);
        }
        return behind;
    }

    /**
     * Stops the background flushes and waits for one in flight. The caller's own final {@code
     * force} follows.
     *
     * @throws IOException if a background flush failed, naming the file, with the system's error as
     *     its cause
     */
    public synchronized void finish() throws IOException {
        finished = true;
        task.cancel(false);
        if (failure != null) {
            throw new IOException("A background flush of " + file + " failed: " + failure, failure);
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
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            // The writer deleted the file (it failed), or the path cannot be looked at: no more
            // background flushes; the writer's own final fsync still makes the file durable.
            task.cancel(false);
            return;
        }
        if (size - flushedSize < FLUSH_BYTES) {
            return;
        }
        try {
            channel.force(false);
            flushedSize = size;
            flushes++;
        } catch (ClosedChannelException e) {
            // The writer closed the channel (it failed or was interrupted): nothing left to flush.
            task.cancel(false);
        } catch (IOException e) {
            failure = e;
            task.cancel(false);
        }
    }

    /**
     * Tells whether the background task has stopped: finished, or ended by a closed channel, a file
     * that cannot be looked at or a failed flush.
     *
     * @return true once no more background flush will run
     */
    synchronized boolean stopped() {
        return task.isDone();
    }

    private static ScheduledThreadPoolExecutor flushers() {
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(
                        FLUSHER_THREADS,
                        runnable -> {
                            Thread thread =
                                    new Thread(
                                            runnable,
                                            "odyssey-write-behind-" + count.incrementAndGet());
                            thread.setDaemon(true);
                            return thread;
                        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
