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

    /**
     * The highest level at which frame-per-plane chunks are compressed with a limited match search
     * unless {@link #withPlaneMatchSearch(boolean)} says otherwise: levels 1 to 3, zstd's fast
     * ones.
     */
    public static final int LIMITED_SEARCH_MAX_LEVEL = 3;

    /** The uncompressed size of a chunk (the last chunk of a tensor may be shorter): 1 MiB. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    /** The smallest chunk size a file may declare. */
    public static final int MIN_CHUNK_BYTES = 1 << 10;

    /** The largest chunk size a file may declare, which bounds a reader's memory per chunk. */
    public static final int MAX_CHUNK_BYTES = 64 << 20;

    private static final Compression NONE =
            new Compression(null, 0, null, DEFAULT_CHUNK_BYTES, false);

    private final String codec;
    private final int level;
    private final ChunkFilter filter;
    private final int chunkBytes;
    private final boolean planeMatchSearch;

    private Compression(
            String codec, int level, ChunkFilter filter, int chunkBytes, boolean planeMatchSearch) {
        this.codec = codec;
        this.level = level;
        this.filter = filter;
        this.chunkBytes = chunkBytes;
        this.planeMatchSearch = planeMatchSearch;
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
        return new Compression(
                ChunkCodec.ZSTD,
                level,
                null,
                DEFAULT_CHUNK_BYTES,
                level > LIMITED_SEARCH_MAX_LEVEL);
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
        return new Compression(
                codec,
                level,
                Objects.requireNonNull(filter, "filter"),
                chunkBytes,
                planeMatchSearch);
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
        return new Compression(codec, level, filter, chunkBytes, planeMatchSearch);
    }

    /**
     * Returns this compression with zstd's match search at the level's own settings, or limited, in
     * the frames of the frame-per-plane filters ({@link ChunkFilter#framePerPlane()}). Limited (the
     * default at levels 1 to {@value #LIMITED_SEARCH_MAX_LEVEL}), each byte plane is compressed
     * with zstd's fast strategy, its longest minimum match (7 bytes) and its smallest match table:
     * a plane of floats holds bytes of one significance whose redundancy is their skewed
     * distribution, not repeats, so zstd then entropy-codes the bytes instead of spending time on
     * short matches that also compress worse (see {@code docs/benchmarks.md}); the level then
     * changes little. At higher levels the level's own search is the default: it finds repeats
     * (runs of zeros, repeated rows) the limited one misses. Files are the same format either way:
     * any zstd decoder reads both.
     *
     * @param levelSettings true for the level's own match search, false for the limited one
     * @return a new compression
     */
    public Compression withPlaneMatchSearch(boolean levelSettings) {
        requireEnabled();
        return new Compression(codec, level, filter, chunkBytes, levelSettings);
    }

    /**
     * Tells whether frame-per-plane chunks are compressed with the level's own match search.
     *
     * @return false for the limited match search (the default at levels 1 to {@value
     *     #LIMITED_SEARCH_MAX_LEVEL}); see {@link #withPlaneMatchSearch(boolean)}
     */
    public boolean planeMatchSearch() {
        return planeMatchSearch;
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
                + (chunkBytes == DEFAULT_CHUNK_BYTES ? "" : " chunks of " + chunkBytes)
                + (planeMatchSearch == level > LIMITED_SEARCH_MAX_LEVEL
                        ? ""
                        : planeMatchSearch
                                ? " with the level's match search in planes"
                                : " with a limited match search in planes");
    }
}
