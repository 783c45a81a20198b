/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * How one compressed tensor is stored: its logical dtype and shape, codec, filter, uncompressed
 * chunk size and the stored size of each chunk, from which each chunk's place in the file follows.
 * A chunk whose stored size equals its uncompressed size is stored verbatim (unfiltered).
 */
final class ChunkTable {

    private final String name;
    private final TensorDType dtype;
    private final long[] shape;
    private final String codec;
    private final ChunkFilter filter;
    private final int chunkBytes;
    private final long byteSize;
    private final long storedBegin;
    private final long[] offsets;

    /**
     * Constructs a table.
     *
     * @param name the tensor's (logical) name
     * @param dtype the tensor's dtype
     * @param shape the tensor's shape
     * @param codec the codec id
     * @param filter the filter
     * @param chunkBytes the uncompressed chunk size
     * @param byteSize the tensor's uncompressed size, {@code product(shape) × element size}
     * @param storedBegin the offset of the first stored byte in the data region
     * @param sizes the stored size of each chunk, one per chunk of {@code chunkBytes}
     */
    ChunkTable(
            String name,
            TensorDType dtype,
            long[] shape,
            String codec,
            ChunkFilter filter,
            int chunkBytes,
            long byteSize,
            long storedBegin,
            long[] sizes) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.codec = codec;
        this.filter = filter;
        this.chunkBytes = chunkBytes;
        this.byteSize = byteSize;
        this.storedBegin = storedBegin;
        this.offsets = new long[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            offsets[i + 1] = offsets[i] + sizes[i];
        }
    }

    /**
     * Returns the number of chunks a tensor of a size has.
     *
     * @param byteSize the tensor's uncompressed size
     * @param chunkBytes the chunk size
     * @return {@code ceil(byteSize / chunkBytes)}
     */
    static long chunkCount(long byteSize, int chunkBytes) {
        return byteSize / chunkBytes + (byteSize % chunkBytes == 0 ? 0 : 1);
    }

    /**
     * Returns the uncompressed length of a chunk of a tensor.
     *
     * @param byteSize the tensor's uncompressed size
     * @param chunkBytes the chunk size
     * @param index the chunk's index
     * @return the chunk size, or less for the last chunk
     */
    static int chunkLength(long byteSize, int chunkBytes, long index) {
        return (int) Math.min(chunkBytes, byteSize - index * chunkBytes);
    }

    /**
     * Encodes a compressed tensor's item of {@link FormatKeys#COMPRESSION}.
     *
     * @param codec the codec id
     * @param filter the filter
     * @param dtype the tensor's dtype
     * @param shape the tensor's shape
     * @param chunkBytes the chunk size
     * @param sizes the stored size of each chunk
     * @return {@code codec:filter:dtype:dims:chunkBytes:sizes}
     */
    static String item(
            String codec,
            ChunkFilter filter,
            TensorDType dtype,
            long[] shape,
            int chunkBytes,
            long[] sizes) {
        StringBuilder sb = new StringBuilder();
        sb.append(codec).append(':').append(filter.id()).append(':').append(dtype.name());
        sb.append(':');
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        sb.append(':').append(chunkBytes).append(':');
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : ",").append(sizes[i]);
        }
        return sb.toString();
    }

    String name() {
        return name;
    }

    TensorDType dtype() {
        return dtype;
    }

    long[] shape() {
        return shape.clone();
    }

    String codec() {
        return codec;
    }

    ChunkFilter filter() {
        return filter;
    }

    int chunkBytes() {
        return chunkBytes;
    }

    long byteSize() {
        return byteSize;
    }

    int chunkCount() {
        return offsets.length - 1;
    }

    int chunkLength(int index) {
        return chunkLength(byteSize, chunkBytes, index);
    }

    /** Returns the offset of a chunk's stored bytes in the data region. */
    long storedOffset(int index) {
        return storedBegin + offsets[index];
    }

    int storedLength(int index) {
        return (int) (offsets[index + 1] - offsets[index]);
    }

    long storedBytes() {
        return offsets[offsets.length - 1];
    }

    /** Names a chunk in error messages: {@code "<tensor> chunk <i>"}. */
    String subject(int index) {
        return name + " chunk " + index;
    }
}
