/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's dtype, shape and little-endian data bytes, either held in a buffer or read on demand
 * from a file.
 */
public final class Tensor {

    private final TensorDType dtype;
    private final long[] shape;
    private final long byteSize;
    private final ByteBuffer data;
    private final TensorFileReader source;
    private final String sourceName;

    private Tensor(
            TensorDType dtype,
            long[] shape,
            long byteSize,
            ByteBuffer data,
            TensorFileReader source,
            String sourceName) {
        this.dtype = dtype;
        this.shape = shape;
        this.byteSize = byteSize;
        this.data = data;
        this.source = source;
        this.sourceName = sourceName;
    }

    /**
     * Wraps data bytes as a tensor. The buffer is not copied: it must not change until the tensor
     * has been saved.
     *
     * @param dtype the element type
     * @param shape the dimensions, outermost first; empty for a scalar
     * @param data the elements, little-endian, C order, from the buffer's position to its limit
     * @return the tensor
     * @throws IllegalArgumentException if the byte count differs from what the shape needs
     */
    public static Tensor of(TensorDType dtype, long[] shape, ByteBuffer data) {
        Objects.requireNonNull(dtype, "dtype");
        long[] dims = shape.clone();
        long size;
        try {
            size = TensorHeader.byteSize(dtype, dims, null, "tensor");
        } catch (TensorFileFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        for (long dim : dims) {
            if (dim < 0) {
                throw new IllegalArgumentException(
                        "negative dimension in " + Arrays.toString(dims));
            }
        }
        if (data.remaining() != size) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(dims)
                            + " of "
                            + dtype
                            + " needs "
                            + size
                            + " bytes, the buffer holds "
                            + data.remaining());
        }
        ByteBuffer view = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(dtype, dims, size, view, null, null);
    }

    static Tensor lazy(TensorFileReader source, TensorEntry entry) {
        return new Tensor(
                entry.dtype(), entry.sharedShape(), entry.byteSize(), null, source, entry.name());
    }

    /** Returns the reader of a lazily loaded tensor, or {@code null} for one held in memory. */
    TensorFileReader source() {
        return source;
    }

    /** Returns the tensor's name in its file, or {@code null} for a tensor held in memory. */
    String sourceName() {
        return sourceName;
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
     * @return the shape; empty for a scalar
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of data bytes.
     *
     * @return the byte size
     */
    public long byteSize() {
        return byteSize;
    }

    /**
     * Returns the data, reading (and, when verification is on, checking) it from the file for a
     * tensor loaded lazily.
     *
     * @return a read-only little-endian buffer positioned at 0
     * @throws IOException if the file cannot be read, or the data fails its checksum
     */
    public ByteBuffer data() throws IOException {
        if (data != null) {
            return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        return source.read(sourceName);
    }

    /**
     * Copies the data into a buffer, reading a lazily loaded tensor straight from its file (and
     * checking it, when verification is on) without an intermediate copy.
     *
     * @param target receives the bytes from its position, which advances past them
     * @throws IOException if the file cannot be read, or the data fail their checksum
     */
    public void copyTo(ByteBuffer target) throws IOException {
        if (data != null) {
            target.put(data.duplicate());
        } else {
            source.readInto(sourceName, target);
        }
    }

    /**
     * Copies the data into a buffer without checking their checksum: for data checked just before
     * with {@link #verify()}, so that they are not checked twice.
     *
     * @param target receives the bytes from its position, which advances past them
     * @throws IOException if the file cannot be read
     */
    public void copyToUnchecked(ByteBuffer target) throws IOException {
        if (data != null) {
            target.put(data.duplicate());
        } else {
            source.readInto(sourceName, target, false);
        }
    }

    /**
     * Checks a lazily loaded tensor's data against its checksum now, without keeping them (a no-op
     * for a tensor held in memory, or a file without checksums or with verification off).
     *
     * @throws IOException if the file cannot be read, or the data fail their checksum
     */
    public void verify() throws IOException {
        if (source != null && source.integrity() == Integrity.VERIFIED) {
            source.verify(sourceName);
        }
    }

    /**
     * Tells how the tensor is stored in its file: codec, filter and stored size.
     *
     * @return the storage; uncompressed for a tensor held in memory
     * @throws IOException if the tensor is no longer in its file
     */
    public TensorStorage storage() throws IOException {
        if (source == null) {
            return new TensorStorage("none", ChunkFilter.NONE, 0, byteSize, byteSize);
        }
        return source.storage(sourceName);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + " (" + byteSize + " bytes)";
    }
}
