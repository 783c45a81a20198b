/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as a file's header describes it: name, dtype, shape and the byte range of its data,
 * relative to the start of the data region.
 */
public final class TensorEntry {

    private final String name;
    private final TensorDType dtype;
    private final long[] shape;
    private final long begin;
    private final long end;

    /**
     * Constructs an entry.
     *
     * @param name the tensor's name
     * @param dtype the element type
     * @param shape the dimensions, outermost first; empty for a scalar
     * @param begin the offset of the first data byte in the data region
     * @param end the offset one past the last data byte in the data region
     */
    public TensorEntry(String name, TensorDType dtype, long[] shape, long begin, long end) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.begin = begin;
        this.end = end;
    }

    /**
     * Returns the tensor's name.
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
     * Returns a copy of the dimensions.
     *
     * @return the shape, outermost dimension first; empty for a scalar
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the dimensions without a copy, for the immutable objects of this package that share
     * them (a header of many tensors would otherwise hold every shape twice).
     *
     * @return the entry's own array, never to be modified
     */
    long[] sharedShape() {
        return shape;
    }

    /**
     * Returns the offset of the first data byte, relative to the data region.
     *
     * @return the begin offset
     */
    public long begin() {
        return begin;
    }

    /**
     * Returns the offset one past the last data byte, relative to the data region.
     *
     * @return the end offset
     */
    public long end() {
        return end;
    }

    /**
     * Returns the number of data bytes.
     *
     * @return {@code end - begin}
     */
    public long byteSize() {
        return end - begin;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorEntry)) {
            return false;
        }
        TensorEntry other = (TensorEntry) o;
        return name.equals(other.name)
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && begin == other.begin
                && end == other.end;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
