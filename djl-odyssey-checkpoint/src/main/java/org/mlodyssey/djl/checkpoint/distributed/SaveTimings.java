/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

/**
 * How long the phases of one rank's save took, in nanoseconds of wall time, as {@link
 * DistributedCheckpointWriter#lastSaveTimings()} reports them.
 *
 * @param checkNanos checking that the checkpoint is not committed and that this rank has not
 *     published this save before
 * @param fileNanos writing the rank's file: its bytes, their CRC32C and the block checksums, the
 *     fsync and the rename
 * @param gatherNanos publishing the rank's manifest and, on the coordinator, waiting for every
 *     rank's
 * @param commitNanos on the coordinator, validating the coverage and writing the global metadata;
 *     on the other ranks, waiting for it and reading it back
 */
public record SaveTimings(long checkNanos, long fileNanos, long gatherNanos, long commitNanos) {

    /**
     * Returns the sum of the phases: the whole save as this rank saw it.
     *
     * @return the total in nanoseconds
     */
    public long totalNanos() {
        return checkNanos + fileNanos + gatherNanos + commitNanos;
    }
}
