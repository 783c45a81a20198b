/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.storage.StoredTensorFiles;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * A row of {@link StorageBenchmark}: the same tensors saved to the bucket as a sharded set ({@link
 * StoredTensorFiles#save} with {@link WriteOptions#maxShardBytes()}), the shards uploaded in
 * parallel, each in one {@code PutObject} (the store's part size holds a whole shard), and loaded
 * back with {@link StoredTensorFiles#load} and parallel ranged reads of every tensor, verified. The
 * parallelism is across objects, so a store that assembles a multipart upload by copying its parts
 * (S3Proxy's filesystem backend) does no such copy.
 */
final class ShardedStoreSave {

    private static final String KEY = "parameters.safetensors";

    private ShardedStoreSave() {}

    /**
     * Returns the row's title.
     *
     * @param shards the number of shards the save wrote
     * @return the title
     */
    static String title(long shards) {
        return "S3 store: "
                + shards
                + (shards == 1 ? " shard" : " shards")
                + " in parallel, a PUT each";
    }

    /**
     * Saves and loads the checkpoint as a sharded set, {@code repetitions} times.
     *
     * @param options the store's options, the part size to be raised to hold a shard
     * @param location the store's {@code s3://} location
     * @param checkpoint the tensors
     * @param shards how many shards to aim at (and upload threads); a tensor is never split, so a
     *     larger one makes fewer
     * @param warmUps untimed saves and loads before the timed ones
     * @param repetitions how many timed saves and loads
     * @return the medians and the number of shards written
     * @throws IOException if a request fails or a tensor does not match its checksum
     */
    static Result time(
            S3StoreOptions.Builder options,
            String location,
            TensorFile checkpoint,
            int shards,
            int warmUps,
            int repetitions)
            throws IOException {
        long total = 0;
        long largest = 0;
        List<ByteBuffer> targets = new ArrayList<>();
        for (Tensor tensor : checkpoint.tensors().values()) {
            total += tensor.byteSize();
            largest = Math.max(largest, tensor.byteSize());
            targets.add(ByteBuffer.allocateDirect(Math.toIntExact(tensor.byteSize())));
        }
        // At most 1 GiB a shard, so that one part (at most 2 GiB) holds it.
        long shardBytes = Math.min((total + shards - 1) / shards, 1L << 30);
        // A shard holds at most shardBytes of tensors, or one larger tensor; its header and the
        // rounding fit in the extra MiB.
        long partSize =
                Math.max(S3StoreOptions.MIN_PART_SIZE, Math.max(shardBytes, largest) + (1 << 20));
        // One upload thread per shard, when tensors fill the shards evenly.
        int threads = (int) Math.max(shards, (total + shardBytes - 1) / shardBytes);
        WriteOptions write =
                WriteOptions.builder().optMaxShardBytes(shardBytes).optThreads(threads).build();
        StorageRowTimer timer = new StorageRowTimer(repetitions);
        long written;
        try (S3CheckpointStore store =
                S3CheckpointStore.open(location, options.optPartSize(partSize).build())) {
            for (int r = -warmUps; r < repetitions; r++) {
                timer.startSave();
                StoredTensorFiles.save(
                        store, KEY, checkpoint.tensors(), checkpoint.metadata(), write);
                timer.endSave(r);
                timer.startLoad();
                try (TensorFile loaded =
                        StoredTensorFiles.load(store, KEY, ReadOptions.defaults())) {
                    ParallelTensorReads.copy(new ArrayList<>(loaded.tensors().values()), targets);
                }
                timer.endLoad(r);
            }
            written =
                    store.list("").stream()
                            .filter(object -> object.key().endsWith(".safetensors"))
                            .count();
        }
        return new Result(timer.row(), written);
    }

    /**
     * What {@link #time} measured.
     *
     * @param row the medians of the saves and loads
     * @param shards the number of shards a save wrote
     */
    record Result(StorageRowTimer.Row row, long shards) {}
}
