/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFileContent;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;

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
     * @throws DistributedCheckpointException if the checkpoint was already committed, the shards of
     *     all ranks do not tile their tensors, or ranks did not publish (or the coordinator did not
     *     commit) in time
     * @throws IOException if writing fails
     */
    public DistributedMetadata save(List<TensorShard> shards) throws IOException {
        SaveContext context =
                new SaveContext(
                        store, checkpoint, rank, worldSize, coordinatorRank, saveId, timeout);
        if (store.stat(context.key(DistributedLayout.METADATA)).isPresent()) {
            throw new DistributedCheckpointException(
                    Kind.ALREADY_COMMITTED,
                    context.location(),
                    null,
                    rank,
                    DistributedLayout.METADATA,
                    "the checkpoint is already committed; save under a new name");
        }
        RankManifest mine = writeFile(context, shards);
        List<RankManifest> all = coordination.gather(context, mine);
        if (!context.isCoordinator()) {
            coordination.awaitCommit(context);
            return readCommitted(context);
        }
        boolean committed = false;
        try {
            DistributedMetadata metadata = commit(context, all);
            committed = true;
            return metadata;
        } finally {
            coordination.announce(context, committed);
        }
    }

    private RankManifest writeFile(SaveContext context, List<TensorShard> shards)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<TensorShard> written = new ArrayList<>();
        for (TensorShard shard : shards) {
            if (shard.writerRank(rank) != rank) {
                continue;
            }
            String fileTensor = fileTensorName(shard);
            Tensor tensor = Tensor.of(shard.dtype(), shard.slice().sizes(), shard.data());
            if (tensors.put(fileTensor, tensor) != null) {
                throw new DistributedCheckpointException(
                        Kind.OVERLAPPING_CHUNKS,
                        context.location(),
                        shard.name(),
                        rank,
                        null,
                        "the rank passes slice " + shard.slice() + " twice");
            }
            written.add(shard);
        }
        TensorFileContent content =
                TensorFileWriter.plainContent(
                        tensors, Map.of(SAVE_ID_KEY, saveId, RANK_KEY, Integer.toString(rank)));
        String fileKey = DistributedLayout.rankFile(rank, worldSize);
        WrittenObject object = store.write(context.key(fileKey), content::writeTo);
        List<Chunk> chunks = new ArrayList<>();
        long offset = content.dataStart();
        for (TensorShard shard : written) {
            ByteBuffer data = shard.data();
            long length = data.remaining();
            chunks.add(
                    new Chunk(
                            shard.name(),
                            shard.dtype(),
                            shard.globalShape(),
                            shard.slice(),
                            rank,
                            fileKey,
                            fileTensorName(shard),
                            offset,
                            length,
                            blockBytes,
                            ChunkBlocks.crcs(data, blockBytes)));
            offset += length;
        }
        RankFile file = new RankFile(rank, fileKey, object.size(), object.crc32c());
        return new RankManifest(saveId, rank, worldSize, file, chunks);
    }

    /**
     * Names a chunk inside its rank's file: the tensor's name, {@code @}, and the slice's offsets
     * ({@code fc.weight@0,512}).
     */
    static String fileTensorName(TensorShard shard) {
        StringBuilder sb = new StringBuilder(shard.name()).append('@');
        long[] offsets = shard.slice().offsets();
        for (int d = 0; d < offsets.length; d++) {
            sb.append(d == 0 ? "" : ",").append(offsets[d]);
        }
        return sb.toString();
    }

    private DistributedMetadata commit(SaveContext context, List<RankManifest> all)
            throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        List<RankFile> files = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            RankManifest manifest = all.get(r);
            if (manifest.rank() != r
                    || manifest.worldSize() != worldSize
                    || !manifest.saveId().equals(saveId)) {
                throw new DistributedCheckpointException(
                        Kind.MALFORMED_METADATA,
                        context.location(),
                        null,
                        manifest.rank(),
                        DistributedLayout.rankManifest(r, worldSize),
                        "manifest of rank "
                                + manifest.rank()
                                + " of "
                                + manifest.worldSize()
                                + ", save "
                                + manifest.saveId()
                                + " where rank "
                                + r
                                + " of "
                                + worldSize
                                + ", save "
                                + saveId
                                + " was expected");
            }
            files.add(manifest.file());
            chunks.addAll(manifest.chunks());
        }
        DistributedMetadata metadata =
                new DistributedMetadata(
                        saveId,
                        worldSize,
                        files,
                        CoverageValidator.validate(context.location(), chunks));
        byte[] json = metadata.toJson();
        store.write(
                context.key(DistributedLayout.METADATA),
                channel -> Channels.newOutputStream(channel).write(json));
        return metadata;
    }

    private static DistributedMetadata readCommitted(SaveContext context) throws IOException {
        String key = context.key(DistributedLayout.METADATA);
        byte[] json =
                DistributedLayout.readSmall(context.store(), key)
                        .orElseThrow(
                                () ->
                                        new DistributedCheckpointException(
                                                Kind.NOT_COMMITTED,
                                                context.location(),
                                                null,
                                                -1,
                                                DistributedLayout.METADATA,
                                                "the global metadata vanished"));
        DistributedMetadata metadata =
                DistributedMetadata.parse(json, context.store().locationOf(key));
        if (!metadata.saveId().equals(context.saveId())) {
            throw new DistributedCheckpointException(
                    Kind.COMMIT_TIMEOUT,
                    context.location(),
                    null,
                    -1,
                    DistributedLayout.METADATA,
                    "the checkpoint was committed by save "
                            + metadata.saveId()
                            + ", not by "
                            + context.saveId());
        }
        return metadata;
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
         * Sets the identifier all ranks of this save share (default: the checkpoint's name). Give
         * each attempt its own when a failed save may be retried under the same name.
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
