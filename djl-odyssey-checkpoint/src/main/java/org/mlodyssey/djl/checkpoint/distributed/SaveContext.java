/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.time.Duration;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;

/**
 * The save a {@link SaveCoordination} coordinates, as one rank sees it.
 *
 * @param store where the checkpoint is written
 * @param checkpoint the checkpoint's name in the store
 * @param rank this rank
 * @param worldSize the number of ranks
 * @param coordinatorRank the rank that validates and commits
 * @param saveId the identifier every rank of this save shares
 * @param timeout how long to wait for the other ranks
 */
public record SaveContext(
        CheckpointStore store,
        String checkpoint,
        int rank,
        int worldSize,
        int coordinatorRank,
        String saveId,
        Duration timeout) {

    /**
     * Returns the key of an object of the checkpoint.
     *
     * @param name the key relative to the checkpoint
     * @return the key in the store
     */
    public String key(String name) {
        return DistributedLayout.prefix(checkpoint) + name;
    }

    /**
     * Returns the checkpoint's location, for messages.
     *
     * @return the store's location of the checkpoint
     */
    public String location() {
        return DistributedLayout.location(store, checkpoint);
    }

    /**
     * Tells whether this rank is the coordinator.
     *
     * @return true on the coordinator rank
     */
    public boolean isCoordinator() {
        return rank == coordinatorRank;
    }
}
