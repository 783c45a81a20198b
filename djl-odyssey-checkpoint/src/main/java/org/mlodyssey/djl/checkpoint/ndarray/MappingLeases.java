/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.UUID;
import org.mlodyssey.djl.checkpoint.format.MappedTensors;

/**
 * The managers that keep one load's mapping alive: every {@link NDManager} a zero-copy array of the
 * load is attached to holds one reference on the mapping, as a resource of its own, and gives it
 * back when it closes.
 *
 * <p>Why managers and not arrays: a view of a zero-copy array ({@code reshape}, {@code get}, {@code
 * transpose}, ...) shares the mapped memory without the engine knowing who owns it, and DJL
 * attaches it to the array's manager. Held by that manager, the mapping outlives every such view,
 * whichever of them is closed first. An array moved to another manager ({@code attach}, {@code
 * tempAttach}) makes that manager a holder too. Thread-safe.
 */
final class MappingLeases {

    private final MappedTensors mapping;
    private final String resourceId = "odyssey-mapping-" + UUID.randomUUID();
    private final Set<NDManager> holders = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Creates the leases of a mapping; none is held yet.
     *
     * @param mapping the load's mapping, still holding the load's own reference
     */
    MappingLeases(MappedTensors mapping) {
        this.mapping = mapping;
    }

    /**
     * Makes a manager hold the mapping until it closes; a manager that holds it already is left
     * alone.
     *
     * @param manager an open manager
     * @throws IllegalStateException if the manager is closed
     */
    void holdIn(NDManager manager) {
        synchronized (this) {
            if (!holders.add(manager)) {
                return;
            }
        }
        mapping.retain();
        try {
            // Uncapped: a capped manager (a trainer's) still takes arrays moved into it.
            manager.attachUncappedInternal(resourceId, () -> release(manager));
        } catch (RuntimeException e) {
            release(manager);
            throw e;
        }
    }

    /**
     * Keeps the mapping for the life of the process: for memory that leaves every manager ({@code
     * detach}) or moves into an array this class cannot see ({@code intern}).
     *
     * @throws IllegalStateException if the mapping is already unmapped
     */
    void holdForever() {
        mapping.retain(); // never given back
    }

    /**
     * Gives back every manager's reference now. Only safe when no array of the load, and hence no
     * view of one, has reached the caller: a load that fails before returning.
     */
    void releaseAll() {
        NDManager[] all;
        synchronized (this) {
            all = holders.toArray(new NDManager[0]);
        }
        for (NDManager manager : all) {
            release(manager);
        }
    }

    private void release(NDManager manager) {
        synchronized (this) {
            if (!holders.remove(manager)) {
                return;
            }
        }
        mapping.release();
    }
}
