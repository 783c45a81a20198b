/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes a response body that delivers no bytes for the timeout, so that the blocked read fails
 * (the HTTP client has a timeout for the answer, not for each read of the body).
 */
final class StallWatch implements AutoCloseable {

    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "odyssey-download-stall-watch");
                        t.setDaemon(true);
                        return t;
                    });

    private final AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    private final ScheduledFuture<?> check;

    /**
     * Starts watching a response body.
     *
     * @param body the body closed once no bytes came for the timeout
     * @param timeout how long the body may deliver no bytes
     */
    StallWatch(InputStream body, Duration timeout) {
        long limit = timeout.toNanos();
        long period = Math.max(1, timeout.toMillis() / 4);
        check =
                TIMER.scheduleAtFixedRate(
                        () -> {
                            if (System.nanoTime() - lastProgress.get() > limit) {
                                try {
                                    body.close();
                                } catch (IOException e) {
                                    // the read fails either way
                                }
                            }
                        },
                        period,
                        period,
                        TimeUnit.MILLISECONDS);
    }

    /** Records that bytes came now. */
    void progressed() {
        lastProgress.set(System.nanoTime());
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        check.cancel(false);
    }
}
