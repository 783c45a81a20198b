/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs checkpoint writes, on one background thread or on the caller's, with a bounded number in
 * flight, and applies the {@link FailurePolicy} to failed ones.
 *
 * <p>Back-pressure: a caller takes a slot ({@link #awaitSlot}) before it takes the snapshot, and
 * the slot is freed when the write ends; with one slot, the next save waits for the previous write,
 * so at most one snapshot exists at a time. There is no queue beyond the slots.
 */
final class SnapshotWriter implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(SnapshotWriter.class);

    /** One write: saves and commits a checkpoint, and frees what it was given. */
    @FunctionalInterface
    interface Write {

        /**
         * Writes.
         *
         * @throws Exception if the checkpoint could not be committed
         */
        void run() throws Exception;
    }

    private final FailurePolicy policy;
    private final Semaphore slots;
    private final int maxInFlight;
    private final ExecutorService executor;
    private final List<CheckpointWriteException> failures = new ArrayList<>();
    private int reported;
    private boolean closed;

    /**
     * Creates a writer.
     *
     * @param async whether to write on a background thread
     * @param maxInFlight the most writes in flight (snapshots alive) at once, at least 1
     * @param policy what failed writes do
     * @param threadName the name of the background thread
     */
    SnapshotWriter(boolean async, int maxInFlight, FailurePolicy policy, String threadName) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException(
                    "At least one write must be allowed in flight, got " + maxInFlight);
        }
        this.policy = policy;
        this.slots = new Semaphore(maxInFlight);
        this.maxInFlight = maxInFlight;
        this.executor =
                async
                        ? Executors.newSingleThreadExecutor(
                                r -> {
                                    Thread t = new Thread(r, threadName);
                                    t.setDaemon(true);
                                    return t;
                                })
                        : null;
    }

    /**
     * Waits for a free slot, on the training thread.
     *
     * @return the nanoseconds waited
     * @throws IllegalStateException if the thread is interrupted while waiting, or the writer is
     *     closed
     */
    long awaitSlot() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The checkpoint writer is closed");
            }
        }
        long start = System.nanoTime();
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while waiting for the previous checkpoint write", e);
        }
        return System.nanoTime() - start;
    }

    /**
     * Waits until no write is in flight, on the training thread.
     *
     * @throws IllegalStateException if the thread is interrupted while waiting
     */
    void awaitWrites() {
        try {
            slots.acquire(maxInFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for checkpoint writes", e);
        }
        slots.release(maxInFlight);
    }

    /** Frees a slot taken by {@link #awaitSlot} when no write follows. */
    void releaseSlot() {
        slots.release();
    }

    /**
     * Runs a write in the slot taken by {@link #awaitSlot}, which it frees when done.
     *
     * @param target the checkpoint directory the write commits, for reporting
     * @param write the write
     * @param applyPolicy false to only record a failure of a synchronous write (at the end of
     *     training)
     * @throws CheckpointWriteException with synchronous writes, {@code applyPolicy} and {@link
     *     FailurePolicy#FAIL_AT_NEXT_SAVE}, if this write fails
     */
    void submit(Path target, Write write, boolean applyPolicy) {
        Runnable task =
                () -> {
                    try {
                        write.run();
                    } catch (Throwable e) { // every failure is recorded, never lost
                        fail(target, e);
                    } finally {
                        slots.release();
                    }
                };
        if (executor == null) {
            task.run();
            if (applyPolicy && policy == FailurePolicy.FAIL_AT_NEXT_SAVE) {
                throwUnreported();
            }
        } else {
            executor.execute(task);
        }
    }

    private synchronized void fail(Path target, Throwable cause) {
        CheckpointWriteException e = new CheckpointWriteException(target, cause);
        logger.error(
                "Checkpoint {} could not be written (failure policy {}): nothing was committed",
                Locations.of(target),
                policy,
                cause);
        failures.add(e);
    }

    /**
     * Applies the policy at a save, on the training thread.
     *
     * @throws CheckpointWriteException with {@link FailurePolicy#FAIL_AT_NEXT_SAVE}, for the first
     *     failure not thrown yet (later ones suppressed)
     */
    void checkAtSave() {
        if (policy == FailurePolicy.FAIL_AT_NEXT_SAVE) {
            throwUnreported();
        }
    }

    private synchronized void throwUnreported() {
        if (reported == failures.size()) {
            return;
        }
        CheckpointWriteException first = failures.get(reported);
        for (int i = reported + 1; i < failures.size(); i++) {
            first.addSuppressed(failures.get(i));
        }
        reported = failures.size();
        throw first;
    }

    /**
     * Returns every failed write so far.
     *
     * @return a copy, oldest first
     */
    synchronized List<CheckpointWriteException> failures() {
        return List.copyOf(failures);
    }

    /**
     * Refuses further writes, waits for the writes in flight and stops the background thread,
     * without applying the policy: failures stay recorded for {@link #close()}. Finishing again
     * only waits again.
     *
     * @return false if interrupted while waiting (the interrupt is kept; the writes go on)
     */
    boolean finish() {
        synchronized (this) {
            closed = true;
        }
        if (executor != null) {
            executor.shutdown();
            try {
                while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    logger.info("Waiting for a checkpoint write to finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Waits for the writes in flight and stops the background thread ({@link #finish()}); then
     * applies the policy. Closing again throws nothing already thrown.
     *
     * @throws CheckpointWriteException unless the policy is {@link FailurePolicy#TOLERATE}, for the
     *     first failure not thrown yet
     * @throws IllegalStateException if interrupted while waiting (the writes go on)
     */
    @Override
    public void close() {
        if (!finish()) {
            throw new IllegalStateException(
                    "Interrupted while waiting for checkpoint writes to finish");
        }
        if (policy != FailurePolicy.TOLERATE) {
            throwUnreported();
        }
    }
}
