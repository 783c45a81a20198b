/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The chunk pipeline keeps results in order, holds a bounded window, and stops on a failure. */
class ChunkPipelineTest {

    @Test
    void resultsArriveInOrderWithABoundedNumberInFlight() throws IOException {
        int count = 20 * ChunkPipeline.window() + 3;
        AtomicInteger made = new AtomicInteger();
        int[] consumed = {0};
        int[] most = {0};
        List<Integer> order = new ArrayList<>();
        ChunkPipeline.run(
                count,
                i -> {
                    made.incrementAndGet();
                    most[0] = Math.max(most[0], made.get() - consumed[0]);
                    return () -> i * 2;
                },
                (i, result) -> {
                    assertEquals(i * 2, result);
                    order.add(i);
                    consumed[0]++;
                });
        assertEquals(count, order.size());
        for (int i = 0; i < count; i++) {
            assertEquals(i, order.get(i));
        }
        assertTrue(most[0] <= ChunkPipeline.window(), "in flight at most " + most[0]);
    }

    @Test
    void aFailureStopsTheRunAndNoJobOutlivesIt() {
        IOException failure = new IOException("chunk 5 is damaged");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        IOException thrown =
                assertThrows(
                        IOException.class,
                        () ->
                                ChunkPipeline.run(
                                        1000,
                                        i ->
                                                () -> {
                                                    started.incrementAndGet();
                                                    running.incrementAndGet();
                                                    try {
                                                        if (i == 5) {
                                                            throw failure;
                                                        }
                                                        return i;
                                                    } finally {
                                                        running.decrementAndGet();
                                                    }
                                                },
                                        (i, result) -> {}));
        assertSame(failure, thrown);
        assertEquals(0, running.get(), "a job still running after the failure was reported");
        assertTrue(started.get() < 1000, "jobs after the failure were not started");
    }
}
