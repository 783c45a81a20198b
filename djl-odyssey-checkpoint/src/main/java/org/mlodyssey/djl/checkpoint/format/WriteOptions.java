/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

/** How {@link TensorFile#save(java.nio.file.Path, WriteOptions)} writes a checkpoint. */
public final class WriteOptions {

    private final boolean durable;
    private final long maxShardBytes;
    private final int threads;
    private final Compression compression;

    private WriteOptions(Builder builder) {
        this.durable = builder.durable;
        this.maxShardBytes = builder.maxShardBytes;
        this.threads = builder.threads;
        this.compression = builder.compression;
    }

    /**
     * Returns the default options: durable, one file, no sharding.
     *
     * @return the defaults
     */
    public static WriteOptions defaults() {
        return builder().build();
    }

    /**
     * Creates a builder.
     *
     * @return a new builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tells whether files and their directory are fsynced before save returns.
     *
     * @return true when durable
     */
    public boolean durable() {
        return durable;
    }

    /**
     * Returns the largest data size of one shard.
     *
     * @return the shard size in bytes; {@link Long#MAX_VALUE} for a single file
     */
    public long maxShardBytes() {
        return maxShardBytes;
    }

    /**
     * Returns how many shards are written at once.
     *
     * @return the number of writer threads
     */
    public int threads() {
        return threads;
    }

    /**
     * Returns whether and how tensors are compressed.
     *
     * @return the compression; {@link Compression#none()} by default
     */
    public Compression compression() {
        return compression;
    }

    /**
     * Returns these options for a file that must stay one file: the same durability, threads and
     * compression, never sharded. A training checkpoint's manifest names one file per tensor file,
     * so its files are written this way whatever the caller's options say.
     *
     * @return the options without sharding
     */
    public WriteOptions unsharded() {
        return builder()
                .optDurable(durable)
                .optThreads(threads)
                .optCompression(compression)
                .build();
    }

    /** Builds {@link WriteOptions}. */
    public static final class Builder {

        private boolean durable = true;
        private long maxShardBytes = Long.MAX_VALUE;
        private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private Compression compression = Compression.none();

        private Builder() {}

        /**
         * Turns fsync on or off (on by default). Off is faster; a power loss may then lose the new
         * file, though never leave a torn one.
         *
         * @param durable whether to fsync
         * @return this builder
         */
        public Builder optDurable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /**
         * Splits the checkpoint into shards of at most this many data bytes each (a tensor larger
         * than this gets a shard of its own), with a Hugging Face style index file.
         *
         * @param maxShardBytes the shard size in bytes
         * @return this builder
         */
        public Builder optMaxShardBytes(long maxShardBytes) {
            if (maxShardBytes < 1) {
                throw new IllegalArgumentException("maxShardBytes must be positive");
            }
            this.maxShardBytes = maxShardBytes;
            return this;
        }

        /**
         * Sets how many shards are written in parallel.
         *
         * @param threads the number of writer threads, at least 1
         * @return this builder
         */
        public Builder optThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Compresses tensors losslessly (off by default): a file with compressed tensors is of
         * format version 2, which readers of version 1 refuse; see {@link Compression}.
         *
         * @param compression the compression, e.g. {@code Compression.zstd(3)}, or {@link
         *     Compression#none()}
         * @return this builder
         */
        public Builder optCompression(Compression compression) {
            this.compression = java.util.Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public WriteOptions build() {
            return new WriteOptions(this);
        }
    }
}
