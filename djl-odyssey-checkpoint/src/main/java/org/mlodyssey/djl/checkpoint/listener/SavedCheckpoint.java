/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.nio.file.Path;
import java.util.Set;

/**
 * A checkpoint {@link CheckpointListener} committed, with what it cost.
 *
 * @param directory the committed checkpoint directory
 * @param reasons why it was saved
 * @param bytes the size of its files
 * @param blockedNanos how long the training thread was held: waiting for the previous write plus
 *     taking the snapshot (asynchronous), or the whole save (synchronous)
 * @param waitedNanos the part of {@code blockedNanos} spent waiting for the previous write
 * @param commitNanos from the start of the write to the commit, on the writing thread
 */
public record SavedCheckpoint(
        Path directory,
        Set<SaveReason> reasons,
        long bytes,
        long blockedNanos,
        long waitedNanos,
        long commitNanos) {

    /**
     * Creates a record; the reasons are copied.
     *
     * @param directory the committed checkpoint directory
     * @param reasons why it was saved
     * @param bytes the size of its files
     * @param blockedNanos time the training thread was held
     * @param waitedNanos the part of it spent waiting for the previous write
     * @param commitNanos time to write and commit
     */
    public SavedCheckpoint {
        reasons = Set.copyOf(reasons);
    }
}
