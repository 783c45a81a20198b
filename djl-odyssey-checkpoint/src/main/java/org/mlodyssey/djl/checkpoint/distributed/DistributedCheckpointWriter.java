/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;

/**
 * Saves one rank's part of a distributed checkpoint. Every rank of a save builds one with the same
 * store, checkpoint name, world size and save id and calls {@link #save} with the shards it holds;
 * each writes its own file (a safetensors file of the library's format) in parallel, the
 * coordinator checks that the shards of all ranks tile every tensor and writes the global metadata
 * last, which commits the checkpoint.
 *
 * <pre>{@code
 * DistributedCheckpointWriter writer = DistributedCheckpointWriter.builder()
 *         .setStore(store).setCheckpoint("step-1000").setRank(rank).setWorldSize(4).build();
 * writer.save(List.of(TensorShard.of("fc.weight", TensorDType.F32, shape, mySlice, myBytes)));
 * }</pre>
 */
public final class DistributedCheckpointWriter {

    /** The metadata key of each rank's file naming its save. */
    public static final String SAVE_ID_KEY = "odyssey.distributed.save_id";

    /** The metadata key of each rank's file naming its rank. */
    public static final String RANK_KEY = "odyssey.distributed.rank";

    private final CheckpointStore store;
    private final String checkpoint;
    private final int rank;
    private final int worldSize;
    private final int coordinatorRank;
    private final String saveId;
    private final Duration timeout;
    private final int blockBytes;
    private final SaveCoordination coordination;
    private volatile SaveTimings lastSaveTimings;

    private DistributedCheckpointWriter(Builder builder) {
        store = Objects.requireNonNull(builder.store, "setStore");
        checkpoint = Objects.requireNonNull(builder.checkpoint, "setCheckpoint");
        rank = builder.rank;
        worldSize = builder.worldSize;
        coordinatorRank = builder.coordinatorRank;
        saveId = builder.saveId == null ? checkpoint : builder.saveId;
        timeout = builder.timeout;
        blockBytes = builder.blockBytes;
        coordination = builder.coordination;
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(
                    "rank " + rank + " is not one of the " + worldSize + " ranks");
        }
        if (coordinatorRank < 0 || coordinatorRank >= worldSize) {
            throw new IllegalArgumentException(
                    "coordinator rank " + coordinatorRank + " is not one of the ranks");
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns this rank.
     *
     * @return the rank, from 0
     */
    public int rank() {
        return rank;
    }

    /**
     * Returns the number of ranks of the save.
     *
     * @return the world size
     */
    public int worldSize() {
        return worldSize;
    }

    /**
     * Saves this rank's shards and takes part in the commit. Returns once the checkpoint is
     * committed: on the coordinator after it wrote the global metadata, on the other ranks once
     * they saw it.
     *
     * @param shards the shards this rank holds; a replicated shard is written only by the lowest of
     *     its ranks
     * @return the committed checkpoint's metadata
     * @throws DistributedCheckpointException if the checkpoint was already committed ({@code
     *     ALREADY_COMMITTED}), this rank already published this save id in an earlier attempt
     *     ({@code SAVE_ID_REUSED}), the shards of all ranks do not tile their tensors, or ranks did
     *     not publish (or the coordinator did not commit) in time
     * @throws IOException if writing fails
     */
    public DistributedMetadata save(List<TensorShard> shards) throws IOException {
        SaveContext context =
                new SaveContext(
                        store, checkpoint, rank, worldSize, coordinatorRank, saveId, timeout);
        lastSaveTimings = null;
        long t0 = System.nanoTime();
        SaveCommit.refuseCommitted(context);
        coordination.begin(context);
        long t1 = System.nanoTime();
        RankFileWriter fileWriter = new RankFileWriter(context, blockBytes);
        RankManifest mine = fileWriter.write(shards);
        long t2 = System.nanoTime();
        List<RankManifest> all = coordination.gather(context, mine);
        long t3 = System.nanoTime();
        DistributedMetadata metadata;
        if (context.isCoordinator()) {
            boolean committed = false;
            try {
                metadata = SaveCommit.commit(context, all);
                committed = true;
            } finally {
                coordination.announce(context, committed);
            }
        } else {
            coordination.awaitCommit(context);
            metadata = SaveCommit.readCommitted(context);
        }
        lastSaveTimings = new SaveTimings(t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
        return metadata;
    }

    /**
     * Returns how long the phases of this writer's last successful save took.
     *
     * @return the timings, or {@code null} before a save succeeded
     */
    public SaveTimings lastSaveTimings() {
        return lastSaveTimings;
    }

    /** Builds a {@link DistributedCheckpointWriter}. */
    public static final class Builder {
        private CheckpointStore store;
        private String checkpoint;
        private int rank = -1;
        private int worldSize = -1;
        private int coordinatorRank;
        private String saveId;
        private Duration timeout = Duration.ofMinutes(10);
        private int blockBytes = ChunkBlocks.DEFAULT_BLOCK_BYTES;
        private SaveCoordination coordination = new StoreCoordination();

        Builder() {}

        /**
         * Sets the store every rank writes to (required).
         *
         * @param store the store
         * @return this builder
         */
        public Builder setStore(CheckpointStore store) {
            this.store = store;
            return this;
        }

        /**
         * Sets the checkpoint's name in the store, its key prefix (required).
         *
         * @param checkpoint the name, e.g. {@code step-1000}
         * @return this builder
         */
        public Builder setCheckpoint(String checkpoint) {
            this.checkpoint = checkpoint;
            return this;
        }

        /**
         * Sets this rank and the number of ranks (required).
         *
         * @param rank this rank, from 0
         * @param worldSize the number of ranks
         * @return this builder
         */
        public Builder setRank(int rank, int worldSize) {
            this.rank = rank;
            this.worldSize = worldSize;
            return this;
        }

        /**
         * Sets the rank that validates and commits (default 0).
         *
         * @param coordinatorRank the coordinator
         * @return this builder
         */
        public Builder optCoordinatorRank(int coordinatorRank) {
            this.coordinatorRank = coordinatorRank;
            return this;
        }

        /**
         * Sets the identifier all ranks of this save share (default: the checkpoint's name). A save
         * id serves one attempt: a rank that already published it refuses to save it again ({@code
         * SAVE_ID_REUSED}), so a failed save is retried under a new save id.
         *
         * @param saveId the identifier
         * @return this builder
         */
        public Builder optSaveId(String saveId) {
            this.saveId = Objects.requireNonNull(saveId, "saveId");
            return this;
        }

        /**
         * Sets how long the coordinator waits for the other ranks, and they for its commit (default
         * 10 minutes).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder optTimeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the size of the checksummed blocks (default 64 KiB, at least 64 bytes): a load reads
         * whole blocks, so a smaller block reads less beyond a small slice.
         *
         * @param blockBytes the block size
         * @return this builder
         */
        public Builder optBlockBytes(int blockBytes) {
            if (blockBytes < ChunkBlocks.MIN_BLOCK_BYTES) {
                throw new IllegalArgumentException(
                        "block size " + blockBytes + " is below " + ChunkBlocks.MIN_BLOCK_BYTES);
            }
            this.blockBytes = blockBytes;
            return this;
        }

        /**
         * Sets how the ranks meet (default: {@link StoreCoordination}, through the store).
         *
         * @param coordination the coordination
         * @return this builder
         */
        public Builder optCoordination(SaveCoordination coordination) {
            this.coordination = Objects.requireNonNull(coordination, "coordination");
            return this;
        }

        /**
         * Builds the writer.
         *
         * @return the writer
         * @throws IllegalArgumentException if a required setting is missing or the ranks are
         *     invalid
         */
        public DistributedCheckpointWriter build() {
            return new DistributedCheckpointWriter(this);
        }
    }
}
