/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointListener}'s claim on its directory of checkpoints for one run: locks it and
 * registers the checkpoints an earlier run left in it (once, at the first event that needs them),
 * checks that a run starting at step 0 finds no checkpoint there, and records the failure (of that
 * check or of a resume) after which the listener saves and deletes nothing. Once training ended or
 * the listener is closed, the directory is not opened again.
 */
final class DirectoryClaim {

    // CheckpointListener's logger on purpose: log configurations naming it keep working.
    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    private final CheckpointDirectory directory;
    private final CheckpointRegistry registry;
    private final CheckpointTrigger trigger;

    /** The directory's lock; null until the first event that needs it, and once released. */
    private DirectoryLock lock;

    /** The failure after which nothing is saved or deleted any more; null while there is none. */
    private RuntimeException failure;

    /** Whether the run resumed or its first step ran (a new run checked the directory). */
    private boolean started;

    private boolean ended;
    private boolean closed;

    DirectoryClaim(
            CheckpointDirectory directory, CheckpointRegistry registry, CheckpointTrigger trigger) {
        this.directory = directory;
        this.registry = registry;
        this.trigger = trigger;
    }

    /**
     * Locks the directory and registers the checkpoints an earlier run left in it, once; counting
     * for the trigger then starts at step 0 with the best value among them.
     *
     * @throws IllegalStateException if training ended or the listener is closed
     * @throws org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryLockedException if another
     *     run writes into the directory
     * @throws UncheckedIOException if the directory cannot be locked or listed
     */
    void open() {
        if (lock != null) {
            return;
        }
        if (ended || closed) {
            throw new IllegalStateException(
                    "The checkpoint listener of " + directory + " has ended");
        }
        try {
            lock = directory.lock();
            registry.load(directory.list());
        } catch (IOException e) {
            release();
            throw new UncheckedIOException("Cannot open the checkpoint directory " + directory, e);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        trigger.start(0, registry.best());
    }

    /**
     * At the first step of a run that did not resume: a run starting at step 0 needs a directory
     * without checkpoints; otherwise the failure is recorded (nothing is saved or deleted any more)
     * and thrown. Later calls do nothing.
     *
     * @param fromStep the step the run started at
     * @throws RuntimeException what refused the directory
     */
    void startAnew(long fromStep) {
        if (started) {
            return;
        }
        started = true;
        if (fromStep != 0 || failure != null) {
            return;
        }
        try {
            open();
            directory.requireNoCheckpoints();
        } catch (IOException e) {
            throw fail(e);
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /** Records that the run resumed: it does not start anew. */
    void resumed() {
        started = true;
    }

    /**
     * Records the failure after which nothing is saved or deleted any more, and unlocks the
     * directory.
     *
     * @param e the failure
     * @return the failure, wrapped in an {@link UncheckedIOException}
     */
    RuntimeException fail(IOException e) {
        return fail(new UncheckedIOException(e));
    }

    /**
     * Records the failure after which nothing is saved or deleted any more, and unlocks the
     * directory.
     *
     * @param e the failure
     * @return the failure itself
     */
    RuntimeException fail(RuntimeException e) {
        failure = e;
        release();
        return failure;
    }

    /**
     * Returns the failure after which nothing is saved or deleted.
     *
     * @return the failure, or null while there is none
     */
    RuntimeException failure() {
        return failure;
    }

    /**
     * Opens the directory for a save, unless a failure made the listener save nothing.
     *
     * @return false if the listener saves nothing
     * @throws IllegalStateException if the listener is closed, or training ended and the directory
     *     is no longer locked
     */
    boolean openForSave() {
        if (failure != null) {
            return false;
        }
        if (closed) {
            throw new IllegalStateException(
                    "The checkpoint listener of " + directory + " is closed");
        }
        open();
        return true;
    }

    /**
     * Logs, if a failure made the listener save nothing, that it saved and deleted nothing.
     *
     * @return whether it logged
     */
    boolean warnIfFailed() {
        if (failure == null) {
            return false;
        }
        logger.warn(
                "The checkpoint listener of {} saved and deleted nothing: its resume failed ({})",
                directory,
                failure.toString());
        return true;
    }

    /** Records that training ended: the directory is not opened again. */
    void markEnded() {
        ended = true;
    }

    /** Records that the listener is closed: the directory is not opened again. */
    void markClosed() {
        closed = true;
    }

    /**
     * Tells whether training ended.
     *
     * @return true after {@link #markEnded}
     */
    boolean isEnded() {
        return ended;
    }

    /**
     * Tells whether the listener is closed.
     *
     * @return true after {@link #markClosed}
     */
    boolean isClosed() {
        return closed;
    }

    /** Unlocks the directory, if it is locked. */
    void release() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
