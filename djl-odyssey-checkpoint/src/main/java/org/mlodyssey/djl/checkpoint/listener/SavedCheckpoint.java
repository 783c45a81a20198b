/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.nio.file.Path;
import java.util.Set;
import org.mlodyssey.djl.checkpoint.format.Locations;

/**
 * A checkpoint {@link CheckpointListener} committed, with what it cost. A checkpoint in a bucket is
 * carried as the path {@code /s3:/bucket/prefix/step-…} (see {@link Locations}); {@link
 * #location()} and {@link #toString()} tell it as {@code s3://bucket/prefix/step-…}.
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

    /**
     * Tells where the checkpoint is: its directory, or {@code s3://bucket/prefix/step-…}.
     *
     * @return the location
     */
    public String location() {
        return Locations.of(directory);
    }

    /**
     * Describes the record, its location told as {@link #location()} does.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "SavedCheckpoint[location="
                + location()
                + ", reasons="
                + reasons
                + ", bytes="
                + bytes
                + ", blockedNanos="
                + blockedNanos
                + ", waitedNanos="
                + waitedNanos
                + ", commitNanos="
                + commitNanos
                + "]";
    }
}
