/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/**
 * Host-memory arrays reused from one snapshot to the next, so that capturing a CPU array costs one
 * memory copy into memory that is already mapped, rather than a fresh allocation (page faults and
 * zeroing by the kernel) and a copy.
 *
 * <p>{@link TrainingSnapshot#capture(ai.djl.training.Trainer, TrainingProgress,
 * OptimizerStateAdapters, HostArrayPool)} takes its copies from the pool; closing the snapshot
 * returns them. The pool holds at most what the snapshots alive at the same time needed, and frees
 * it all when closed. Arrays on a GPU, and arrays whose memory the engine does not expose, are
 * copied as without a pool. Thread-safe: a snapshot can be captured on one thread and closed on
 * another.
 */
public final class HostArrayPool implements AutoCloseable {

    private final NDManager manager = NDManager.newBaseManager(Device.cpu());
    private final Map<Key, Deque<NDArray>> free = new HashMap<>();
    private final Set<NDArray> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private long bytes;
    private boolean closed;

    /** Creates an empty pool. */
    public HostArrayPool() {}

    /**
     * Copies a CPU array into a pooled array of the same dtype and shape.
     *
     * @param source the array to copy
     * @return the copy, lent until {@link #release}, or {@code null} if the array is not a dense
     *     CPU array whose memory can be read directly
     */
    public synchronized NDArray copy(NDArray source) {
        if (closed) {
            throw new IllegalStateException("The host array pool is closed");
        }
        if (source.getDevice().isGpu() || source.isSparse()) {
            return null;
        }
        Key key = new Key(source.getDataType(), source.getShape());
        Deque<NDArray> candidates = free.get(key);
        NDArray target = candidates == null ? null : candidates.poll();
        if (target == null) {
            target = manager.create(source.getShape(), source.getDataType(), Device.cpu());
            bytes += source.getShape().size() * source.getDataType().getNumOfBytes();
        }
        ByteBuffer memory = NDArrayFiles.writableMemoryOf(target);
        if (memory == null) {
            free.computeIfAbsent(key, k -> new ArrayDeque<>()).push(target);
            return null;
        }
        ByteBuffer data = source.toByteBuffer(true);
        if (data.remaining() != memory.remaining()) {
            free.computeIfAbsent(key, k -> new ArrayDeque<>()).push(target);
            return null;
        }
        // Split over the cores: the training thread waits for the snapshot anyway, and one
        // thread does not reach the memory bandwidth.
        ParallelCopy.copy(List.of(data), List.of(memory));
        lent.add(target);
        return target;
    }

    /**
     * Returns an array lent by {@link #copy}; arrays this pool did not lend are ignored.
     *
     * @param array the array
     */
    public synchronized void release(NDArray array) {
        if (!lent.remove(array)) {
            return;
        }
        if (closed) {
            array.close();
            if (lent.isEmpty()) {
                manager.close();
            }
            return;
        }
        free.computeIfAbsent(
                        new Key(array.getDataType(), array.getShape()), k -> new ArrayDeque<>())
                .push(array);
    }

    /**
     * Tells whether this pool lent an array that has not been returned.
     *
     * @param array an array
     * @return true if {@code array} came from {@link #copy} and is not yet released
     */
    public synchronized boolean isLent(NDArray array) {
        return lent.contains(array);
    }

    /**
     * Returns how many arrays are lent and not yet returned.
     *
     * @return the count
     */
    public synchronized int lentCount() {
        return lent.size();
    }

    /**
     * Returns the host memory this pool has allocated, lent or free.
     *
     * @return a byte count
     */
    public synchronized long allocatedBytes() {
        return bytes;
    }

    /**
     * Frees the pooled arrays; arrays still lent are freed when released.
     *
     * <p>Closing twice has no further effect.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Deque<NDArray> arrays : free.values()) {
            arrays.forEach(NDArray::close);
        }
        free.clear();
        if (lent.isEmpty()) {
            manager.close();
        }
    }

    private record Key(DataType dtype, Shape shape) {}
}
