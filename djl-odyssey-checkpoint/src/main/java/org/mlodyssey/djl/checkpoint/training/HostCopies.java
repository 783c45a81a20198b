/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;

/** Copies of arrays in host memory that later training steps cannot change. */
final class HostCopies {

    private HostCopies() {}

    /**
     * Copies an array into host memory, without gradient, attached to a manager.
     *
     * <p>{@code toDevice(cpu, true)} on a CPU array and {@code toByteBuffer()} return views of the
     * tensor's memory on the PyTorch engine, not copies; this method always copies.
     *
     * @param array the array, on any device
     * @param manager the CPU manager the copy is attached to
     * @return the copy
     */
    static NDArray copy(NDArray array, NDManager manager) {
        return copy(array, manager, null);
    }

    /**
     * Copies an array into host memory, into a pooled array where the pool can hold it.
     *
     * @param array the array, on any device
     * @param manager the CPU manager a copy that is not pooled is attached to
     * @param pool the pool to take the copy from, or {@code null}
     * @return the copy; a pooled copy is returned to {@code pool} with {@link
     *     HostArrayPool#release}, any other belongs to {@code manager}
     */
    static NDArray copy(NDArray array, NDManager manager, HostArrayPool pool) {
        if (pool != null) {
            NDArray pooled = pool.copy(array);
            if (pooled != null) {
                return pooled;
            }
        }
        try (NDManager scratch = array.getManager().newSubManager()) {
            NDArray detached = array.stopGradient();
            detached.attach(scratch);
            NDArray copy;
            if (detached.getDevice().equals(Device.cpu())) {
                copy = detached.duplicate();
            } else {
                copy = detached.toDevice(Device.cpu(), true);
            }
            copy.attach(manager);
            return copy;
        }
    }
}
