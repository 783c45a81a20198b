/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link CheckpointListener}'s run ends, and which failure it reports. At the end of
 * training: the last save ({@link SaveSchedule#atTrainingEnd}), then, whatever happened, the
 * writing thread stops, the snapshot memory is freed and the directory unlocked; a failure is
 * logged and kept, not thrown, so that DJL goes on closing the trainer. At {@link #close}: the same
 * release, the directory closed, and the failure kept at the end of training thrown, a failed write
 * not reported yet added to it as suppressed (or thrown alone, as the failure policy says).
 */
final class EndOfRun {

    // CheckpointListener's logger on purpose: log configurations naming it keep working.
    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    private final CheckpointDirectory directory;
    private final DirectoryClaim claim;
    private final SaveSchedule schedule;
    private final CheckpointSaving saving;

    /** What made the save at the end of training fail; null if nothing did. */
    private RuntimeException endFailure;

    EndOfRun(
            CheckpointDirectory directory,
            DirectoryClaim claim,
            SaveSchedule schedule,
            CheckpointSaving saving) {
        this.directory = directory;
        this.claim = claim;
        this.schedule = schedule;
        this.saving = saving;
    }

    /**
     * Ends training: saves at the end unless a failure made the listener save nothing, then stops
     * the writing thread, frees the snapshot memory and unlocks the directory. Throws nothing.
     *
     * @param trainer the trainer whose training ended
     */
    void endTraining(Trainer trainer) {
        claim.markEnded();
        try {
            if (claim.warnIfFailed()) {
                return;
            }
            schedule.atTrainingEnd(trainer);
        } catch (RuntimeException e) {
            endFailure = e;
            logger.error("The checkpoint at the end of training in {} failed", directory, e);
        } finally {
            if (!saving.finish()) {
                logger.warn("Interrupted while waiting for the checkpoint writes of {}", directory);
            }
            schedule.free();
            claim.release();
        }
    }

    /**
     * Closes, once: waits for pending writes, stops the writing thread, frees the snapshot memory,
     * unlocks and closes the directory; then throws the failures to report.
     *
     * @throws CheckpointWriteException for a failed write not reported yet, as the failure policy
     *     says
     * @throws RuntimeException what made the save at the end of training fail
     */
    void close() {
        if (claim.isClosed()) {
            return;
        }
        claim.markClosed();
        if (!claim.isEnded()) {
            claim.warnIfFailed();
        }
        RuntimeException failure = endFailure;
        try {
            saving.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        } finally {
            schedule.free();
            claim.release();
            directory.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
