/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs chunk jobs on all cores with a bounded window: at most {@link #window()} jobs are submitted
 * or finished but not yet consumed, so at most that many chunks are held in memory, and their
 * results are consumed in order on the calling thread.
 */
final class ChunkPipeline {

    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private static final ExecutorService POOL =
            Executors.newFixedThreadPool(
                    THREADS,
                    runnable -> {
                        Thread thread = new Worker(runnable);
                        thread.setDaemon(true);
                        return thread;
                    });

    /** A thread of the pool: it lives as long as the process. */
    private static final class Worker extends Thread {
        Worker(Runnable runnable) {
            super(runnable, "odyssey-chunks");
        }
    }

    /**
     * Tells whether the calling thread is one of the pool's, which live as long as the process, so
     * that native resources cached per thread are never leaked by a thread that ends.
     *
     * @return true on a pool thread
     */
    static boolean onPoolThread() {
        return Thread.currentThread() instanceof Worker;
    }

    private ChunkPipeline() {}

    /** Computes the result of one chunk; runs on a pool thread. */
    @FunctionalInterface
    interface Job<R> {

        /**
         * Computes a result.
         *
         * @return the result
         * @throws IOException if the chunk cannot be read, written or decoded
         */
        R call() throws IOException;
    }

    /** Makes the job of a chunk; runs on the calling thread, in order. */
    @FunctionalInterface
    interface Jobs<R> {

        /**
         * Makes a job.
         *
         * @param index the chunk's index
         * @return the job
         * @throws IOException if the chunk's input cannot be obtained
         */
        Job<R> job(int index) throws IOException;
    }

    /** Consumes the results in order; runs on the calling thread. */
    @FunctionalInterface
    interface Sink<R> {

        /**
         * Consumes a result.
         *
         * @param index the chunk's index
         * @param result the job's result
         * @throws IOException if the result cannot be used
         */
        void accept(int index, R result) throws IOException;
    }

    /**
     * Returns the most chunks in flight at once.
     *
     * @return twice the number of cores
     */
    static int window() {
        return 2 * THREADS;
    }

    /**
     * Runs {@code count} jobs in parallel and consumes their results in order.
     *
     * @param count the number of chunks
     * @param jobs makes each chunk's job
     * @param sink consumes each result
     * @param <R> the result type
     * @throws IOException the first failure of a job or of the sink; no later job is started
     */
    static <R> void run(int count, Jobs<R> jobs, Sink<R> sink) throws IOException {
        if (count == 1 || THREADS == 1) {
            for (int i = 0; i < count; i++) {
                sink.accept(i, jobs.job(i).call());
            }
            return;
        }
        ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
        int next = 0;
        try {
            for (int done = 0; done < count; done++) {
                while (next < count && inFlight.size() < window()) {
                    Job<R> job = jobs.job(next++);
                    inFlight.add(
                            POOL.submit(
                                    () -> {
                                        try {
                                            return job.call();
                                        } catch (IOException e) {
                                            throw new UncheckedIOException(e);
                                        }
                                    }));
                }
                sink.accept(done, await(inFlight.poll()));
            }
        } finally {
            // After a failure, let the jobs in flight (at most a window) finish before returning:
            // they may be writing into the caller's buffer, which the caller may free.
            for (Future<R> future : inFlight) {
                try {
                    future.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    // the first failure is the one reported
                }
            }
        }
    }

    private static <R> R await(Future<R> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a chunk");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException) {
                throw ((UncheckedIOException) cause).getCause();
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException(cause);
        }
    }
}
