/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/**
 * What one rank holds of a named global tensor: a slice of it (any offsets and sizes, in any
 * dimensions) and that slice's elements, contiguous, in C order, little-endian. A shard held alike
 * by several ranks (replicated) names them all: only the lowest of them writes it, so it is stored
 * once.
 */
public final class TensorShard {

    private final String name;
    private final TensorDType dtype;
    private final long[] globalShape;
    private final Slice slice;
    private final ByteBuffer data;
    private final int[] replicas;

    private TensorShard(
            String name,
            TensorDType dtype,
            long[] globalShape,
            Slice slice,
            ByteBuffer data,
            int[] replicas) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.globalShape = globalShape.clone();
        this.slice = Objects.requireNonNull(slice, "slice");
        this.data = data.slice();
        this.replicas = replicas;
        if (!slice.isWithin(globalShape)) {
            throw new IllegalArgumentException(
                    name + ": slice " + slice + " is not within " + Arrays.toString(globalShape));
        }
        long bytes = Math.multiplyExact(slice.elements(), dtype.byteSize());
        if (bytes != this.data.remaining()) {
            throw new IllegalArgumentException(
                    name
                            + ": slice "
                            + slice
                            + " of "
                            + dtype
                            + " needs "
                            + bytes
                            + " bytes, the buffer has "
                            + this.data.remaining());
        }
    }

    /**
     * Creates the shard of a tensor that one rank alone holds.
     *
     * @param name the global tensor's name
     * @param dtype the element type
     * @param globalShape the global tensor's shape
     * @param slice the part this rank holds
     * @param data the slice's elements, C order, little-endian, position to limit; not copied, so
     *     it must not change until the save returns
     * @return the shard
     * @throws IllegalArgumentException if the slice is not within the shape or the data size is not
     *     what the slice needs
     */
    public static TensorShard of(
            String name, TensorDType dtype, long[] globalShape, Slice slice, ByteBuffer data) {
        return new TensorShard(name, dtype, globalShape, slice, data, null);
    }

    /**
     * Creates the shard of a tensor replicated on several ranks: each of them passes it, the lowest
     * rank among them writes it.
     *
     * @param name the global tensor's name
     * @param dtype the element type
     * @param globalShape the global tensor's shape
     * @param slice the part these ranks hold (the whole tensor for a fully replicated one)
     * @param data the slice's elements, C order, little-endian; not copied
     * @param ranks every rank holding this slice, the caller's among them
     * @return the shard
     */
    public static TensorShard replicated(
            String name,
            TensorDType dtype,
            long[] globalShape,
            Slice slice,
            ByteBuffer data,
            int... ranks) {
        if (ranks.length == 0) {
            throw new IllegalArgumentException(name + ": a replicated shard names its ranks");
        }
        return new TensorShard(name, dtype, globalShape, slice, data, ranks.clone());
    }

    /**
     * Returns the global tensor's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the element type.
     *
     * @return the dtype
     */
    public TensorDType dtype() {
        return dtype;
    }

    /**
     * Returns the global tensor's shape.
     *
     * @return a copy of the shape
     */
    public long[] globalShape() {
        return globalShape.clone();
    }

    /**
     * Returns the part of the tensor this shard holds.
     *
     * @return the slice
     */
    public Slice slice() {
        return slice;
    }

    /**
     * Returns the elements.
     *
     * @return a view of the data, position 0
     */
    public ByteBuffer data() {
        return data.duplicate();
    }

    /**
     * Returns the rank that writes this shard when a given rank saves it.
     *
     * @param rank the saving rank
     * @return the rank itself for an unreplicated shard, else the lowest replica
     * @throws IllegalArgumentException if the shard is replicated on ranks that exclude {@code
     *     rank}
     */
    public int writerRank(int rank) {
        if (replicas == null) {
            return rank;
        }
        int lowest = Integer.MAX_VALUE;
        boolean mine = false;
        for (int r : replicas) {
            lowest = Math.min(lowest, r);
            mine |= r == rank;
        }
        if (!mine) {
            throw new IllegalArgumentException(
                    name
                            + ": rank "
                            + rank
                            + " saves a shard replicated on "
                            + Arrays.toString(replicas)
                            + ", not on itself");
        }
        return lowest;
    }
}
