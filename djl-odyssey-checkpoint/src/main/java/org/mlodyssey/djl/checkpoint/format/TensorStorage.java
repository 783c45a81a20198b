/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

/** How one tensor of a file is stored: its codec, filter, chunks and stored size. */
public final class TensorStorage {

    private final String codec;
    private final ChunkFilter filter;
    private final int chunks;
    private final long byteSize;
    private final long storedBytes;

    TensorStorage(String codec, ChunkFilter filter, int chunks, long byteSize, long storedBytes) {
        this.codec = codec;
        this.filter = filter;
        this.chunks = chunks;
        this.byteSize = byteSize;
        this.storedBytes = storedBytes;
    }

    /**
     * Returns the codec.
     *
     * @return {@code "zstd"}, or {@code "none"} for a tensor stored as it is
     */
    public String codec() {
        return codec;
    }

    /**
     * Tells whether the tensor is stored compressed.
     *
     * @return false for a tensor stored as it is
     */
    public boolean compressed() {
        return !"none".equals(codec);
    }

    /**
     * Returns the filter applied before the codec.
     *
     * @return the filter; {@link ChunkFilter#NONE} for a tensor stored as it is
     */
    public ChunkFilter filter() {
        return filter;
    }

    /**
     * Returns the number of independently compressed chunks.
     *
     * @return the chunk count; 0 for a tensor stored as it is
     */
    public int chunks() {
        return chunks;
    }

    /**
     * Returns the tensor's uncompressed size.
     *
     * @return the data bytes
     */
    public long byteSize() {
        return byteSize;
    }

    /**
     * Returns the bytes the tensor takes in the file.
     *
     * @return the stored bytes
     */
    public long storedBytes() {
        return storedBytes;
    }

    /**
     * Returns the compression ratio.
     *
     * @return uncompressed bytes over stored bytes; 1 for an empty tensor
     */
    public double ratio() {
        return storedBytes == 0 ? 1.0 : (double) byteSize / storedBytes;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        if ("none".equals(codec)) {
            return "none";
        }
        return String.format(
                java.util.Locale.ROOT,
                "%s+%s %.3fx (%d chunks)",
                filter.id(),
                codec,
                ratio(),
                chunks);
    }
}
