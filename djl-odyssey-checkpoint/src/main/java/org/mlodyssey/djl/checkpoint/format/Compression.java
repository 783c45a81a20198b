/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.util.Locale;
import java.util.Objects;

/**
 * Whether and how a writer compresses tensors: lossless, each tensor on its own, in independent
 * chunks of a fixed uncompressed size (so that parts of a tensor can be read alone), after a filter
 * chosen by dtype. A file with compressed tensors is format version 2; see {@code
 * docs/checkpoint-format.md}, section 9.
 *
 * <p>Instances are immutable; {@link #none()} is the default.
 */
public final class Compression {

    /** The zstd level used when none is given. */
    public static final int DEFAULT_LEVEL = 3;

    /** The uncompressed size of a chunk (the last chunk of a tensor may be shorter): 1 MiB. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    /** The smallest chunk size a file may declare. */
    public static final int MIN_CHUNK_BYTES = 1 << 10;

    /** The largest chunk size a file may declare, which bounds a reader's memory per chunk. */
    public static final int MAX_CHUNK_BYTES = 64 << 20;

    private static final Compression NONE = new Compression(null, 0, null, DEFAULT_CHUNK_BYTES);

    private final String codec;
    private final int level;
    private final ChunkFilter filter;
    private final int chunkBytes;

    private Compression(String codec, int level, ChunkFilter filter, int chunkBytes) {
        this.codec = codec;
        this.level = level;
        this.filter = filter;
        this.chunkBytes = chunkBytes;
    }

    /**
     * Returns no compression: files are plain safetensors files (format version 1).
     *
     * @return no compression
     */
    public static Compression none() {
        return NONE;
    }

    /**
     * Returns zstd compression at a level, with the filter chosen by dtype.
     *
     * @param level the zstd level, 1 (fastest) to 22 (smallest)
     * @return the compression
     * @throws IllegalArgumentException if the level is out of range
     */
    public static Compression zstd(int level) {
        if (level < 1 || level > 22) {
            throw new IllegalArgumentException("zstd level must be 1 to 22, got " + level);
        }
        return new Compression(ChunkCodec.ZSTD, level, null, DEFAULT_CHUNK_BYTES);
    }

    /**
     * Parses a command-line value: {@code none}, {@code zstd} (level {@value #DEFAULT_LEVEL}) or
     * {@code zstd:LEVEL}.
     *
     * @param text the value
     * @return the compression
     * @throws IllegalArgumentException if the text is none of these
     */
    public static Compression parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if ("none".equals(value)) {
            return none();
        }
        if ("zstd".equals(value)) {
            return zstd(DEFAULT_LEVEL);
        }
        if (value.startsWith("zstd:") && value.substring(5).matches("[0-9]{1,2}")) {
            return zstd(Integer.parseInt(value.substring(5)));
        }
        throw new IllegalArgumentException(
                "expected none, zstd or zstd:LEVEL (1-22), got \"" + text + "\"");
    }

    /**
     * Returns this compression with one filter for every floating-point tensor instead of the
     * default by dtype (integer and boolean tensors are never filtered).
     *
     * @param filter the filter
     * @return a new compression
     */
    public Compression withFilter(ChunkFilter filter) {
        requireEnabled();
        return new Compression(codec, level, Objects.requireNonNull(filter, "filter"), chunkBytes);
    }

    /**
     * Returns this compression with another uncompressed chunk size.
     *
     * @param chunkBytes the chunk size: a multiple of 8 from {@value #MIN_CHUNK_BYTES} to {@value
     *     #MAX_CHUNK_BYTES}
     * @return a new compression
     */
    public Compression withChunkBytes(int chunkBytes) {
        requireEnabled();
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES || chunkBytes % 8 != 0) {
            throw new IllegalArgumentException(
                    "chunk size must be a multiple of 8 from "
                            + MIN_CHUNK_BYTES
                            + " to "
                            + MAX_CHUNK_BYTES
                            + ", got "
                            + chunkBytes);
        }
        return new Compression(codec, level, filter, chunkBytes);
    }

    private void requireEnabled() {
        if (codec == null) {
            throw new IllegalStateException("no compression has no filter or chunk size");
        }
    }

    /**
     * Tells whether tensors are compressed.
     *
     * @return false for {@link #none()}
     */
    public boolean enabled() {
        return codec != null;
    }

    /**
     * Returns the codec's name as files record it.
     *
     * @return {@code "zstd"}, or {@code "none"}
     */
    public String codec() {
        return codec == null ? "none" : codec;
    }

    /**
     * Returns the codec level.
     *
     * @return the zstd level, or 0 for no compression
     */
    public int level() {
        return level;
    }

    /**
     * Returns the uncompressed chunk size.
     *
     * @return the chunk size in bytes
     */
    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * Returns the filter applied to the chunks of a tensor of a dtype: {@link
     * ChunkFilter#SPLIT_PLANES} for floating-point types unless {@link #withFilter} chose another
     * (on the trained checkpoints of {@code odyssey bench compression} the frame-per-plane filters
     * compressed float32, bfloat16 and float16 best), {@link ChunkFilter#NONE} for integers and
     * booleans.
     *
     * @param dtype the tensor's dtype
     * @return the filter
     */
    public ChunkFilter filterFor(TensorDType dtype) {
        if (!ChunkFilter.isFloat(dtype)) {
            return ChunkFilter.NONE;
        }
        return filter == null ? ChunkFilter.SPLIT_PLANES : filter;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        if (codec == null) {
            return "none";
        }
        return codec
                + ":"
                + level
                + (filter == null ? "" : " filter " + filter.id())
                + (chunkBytes == DEFAULT_CHUNK_BYTES ? "" : " chunks of " + chunkBytes);
    }
}
