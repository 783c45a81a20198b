/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.util.Arrays;
import java.util.Optional;

/**
 * A box-shaped part of a global tensor: an offset and a size in every dimension. A rank's chunk, a
 * requested slice and the intersection of the two are slices. A slice of a scalar has no dimensions
 * and one element.
 */
public final class Slice {

    private final long[] offsets;
    private final long[] sizes;

    private Slice(long[] offsets, long[] sizes) {
        this.offsets = offsets;
        this.sizes = sizes;
    }

    /**
     * Creates a slice.
     *
     * @param offsets the first index in every dimension, outermost first
     * @param sizes the extent in every dimension
     * @return the slice
     * @throws IllegalArgumentException if the arrays differ in length, an offset or size is
     *     negative, or an offset plus its size overflows
     */
    public static Slice of(long[] offsets, long[] sizes) {
        if (offsets.length != sizes.length) {
            throw new IllegalArgumentException(
                    offsets.length + " offsets for " + sizes.length + " sizes");
        }
        for (int d = 0; d < sizes.length; d++) {
            if (offsets[d] < 0 || sizes[d] < 0) {
                throw new IllegalArgumentException(
                        "negative offset or size in dimension "
                                + d
                                + ": "
                                + describe(offsets, sizes));
            }
            Math.addExact(offsets[d], sizes[d]);
        }
        return new Slice(offsets.clone(), sizes.clone());
    }

    /**
     * Returns the slice that is a whole tensor.
     *
     * @param shape the tensor's shape
     * @return the slice from 0 over every dimension's full extent
     */
    public static Slice whole(long[] shape) {
        return of(new long[shape.length], shape);
    }

    /**
     * Returns the slice of rows {@code [from, from + count)} of a tensor (the first dimension), all
     * of every other dimension.
     *
     * @param shape the tensor's shape; at least one dimension
     * @param from the first row
     * @param count the number of rows
     * @return the slice
     */
    public static Slice rows(long[] shape, long from, long count) {
        return along(shape, 0, from, count);
    }

    /**
     * Returns the slice {@code [from, from + count)} along one dimension, all of every other.
     *
     * @param shape the tensor's shape
     * @param dimension the dimension cut
     * @param from the first index along it
     * @param count the number of indices along it
     * @return the slice
     */
    public static Slice along(long[] shape, int dimension, long from, long count) {
        long[] offsets = new long[shape.length];
        long[] sizes = shape.clone();
        offsets[dimension] = from;
        sizes[dimension] = count;
        return of(offsets, sizes);
    }

    /**
     * Returns the number of dimensions.
     *
     * @return the rank of the tensor the slice belongs to
     */
    public int dimensions() {
        return sizes.length;
    }

    /**
     * Returns the offsets.
     *
     * @return a copy of the first index in every dimension
     */
    public long[] offsets() {
        return offsets.clone();
    }

    /**
     * Returns the sizes.
     *
     * @return a copy of the extent in every dimension
     */
    public long[] sizes() {
        return sizes.clone();
    }

    long offset(int dimension) {
        return offsets[dimension];
    }

    long size(int dimension) {
        return sizes[dimension];
    }

    /**
     * Returns the number of elements.
     *
     * @return the product of the sizes (1 for a scalar)
     * @throws ArithmeticException if it overflows a long
     */
    public long elements() {
        long n = 1;
        for (long size : sizes) {
            n = Math.multiplyExact(n, size);
        }
        return n;
    }

    /**
     * Tells whether the slice lies within a tensor's shape.
     *
     * @param shape the global shape
     * @return true when the dimensions agree and every offset plus size is within the extent
     */
    public boolean isWithin(long[] shape) {
        if (shape.length != sizes.length) {
            return false;
        }
        for (int d = 0; d < sizes.length; d++) {
            if (offsets[d] + sizes[d] > shape[d]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the common part of two slices of one tensor.
     *
     * @param other another slice of the same tensor
     * @return the intersection, or empty when they share no element
     */
    public Optional<Slice> intersect(Slice other) {
        if (other.sizes.length != sizes.length) {
            throw new IllegalArgumentException(
                    "slices of " + sizes.length + " and " + other.sizes.length + " dimensions");
        }
        long[] lo = new long[sizes.length];
        long[] size = new long[sizes.length];
        for (int d = 0; d < sizes.length; d++) {
            lo[d] = Math.max(offsets[d], other.offsets[d]);
            long hi = Math.min(offsets[d] + sizes[d], other.offsets[d] + other.sizes[d]);
            if (hi <= lo[d]) {
                return Optional.empty();
            }
            size[d] = hi - lo[d];
        }
        return Optional.of(new Slice(lo, size));
    }

    /**
     * Tells whether this slice holds every element of another.
     *
     * @param other a slice of the same tensor
     * @return true when the other lies inside this one
     */
    public boolean contains(Slice other) {
        for (int d = 0; d < sizes.length; d++) {
            if (other.offsets[d] < offsets[d]
                    || other.offsets[d] + other.sizes[d] > offsets[d] + sizes[d]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Slice
                && Arrays.equals(offsets, ((Slice) o).offsets)
                && Arrays.equals(sizes, ((Slice) o).sizes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offsets) + Arrays.hashCode(sizes);
    }

    /**
     * Describes the slice in Python's notation: {@code [0:4, 2:6]}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return describe(offsets, sizes);
    }

    private static String describe(long[] offsets, long[] sizes) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < sizes.length; d++) {
            if (d > 0) {
                sb.append(", ");
            }
            sb.append(offsets[d]).append(':').append(offsets[d] + sizes[d]);
        }
        return sb.append(']').toString();
    }
}
