/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;

/** Ranks as threads of one JVM, sharing a store: saves and loads of the standard set. */
public final class RankThreads {

    private RankThreads() {}

    /**
     * Saves the tensors with {@code world} ranks, one thread each.
     *
     * @return every rank's metadata, in rank order
     */
    public static List<DistributedMetadata> save(
            CheckpointStore store, String checkpoint, int world, List<Global> set, int blockBytes)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(world);
        try {
            List<Future<DistributedMetadata>> futures = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                int rank = r;
                futures.add(
                        pool.submit(
                                () ->
                                        DistributedCheckpointWriter.builder()
                                                .setStore(store)
                                                .setCheckpoint(checkpoint)
                                                .setRank(rank, world)
                                                .optBlockBytes(blockBytes)
                                                .optTimeout(Duration.ofSeconds(60))
                                                .build()
                                                .save(GlobalTensors.shardsOf(set, rank, world))));
            }
            List<DistributedMetadata> result = new ArrayList<>();
            for (Future<DistributedMetadata> future : futures) {
                try {
                    result.add(future.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception) {
                        throw (Exception) e.getCause();
                    }
                    throw e;
                }
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Loads every tensor of the set with {@code world} readers, each its part of the load split,
     * and checks every byte against the global values.
     *
     * @return the bytes read and the bytes requested, summed over the readers
     */
    public static long[] loadAndCompare(
            CheckpointStore store, String checkpoint, int world, List<Global> set)
            throws IOException {
        long[] total = new long[2];
        for (int rank = 0; rank < world; rank++) {
            long[] counts = loadPart(store, checkpoint, rank, world, set);
            total[0] += counts[0];
            total[1] += counts[1];
        }
        return total;
    }

    /**
     * Loads one reader's part of the load split of every tensor and checks every byte.
     *
     * @return the bytes read and the bytes requested
     */
    public static long[] loadPart(
            CheckpointStore store, String checkpoint, int rank, int world, List<Global> set)
            throws IOException {
        long requested = 0;
        try (DistributedCheckpointReader reader =
                DistributedCheckpointReader.open(store, checkpoint)) {
            for (Global g : set) {
                List<Slice> slices = GlobalTensors.loadSplit(g, world);
                for (int i = rank; i < slices.size(); i += world) {
                    Slice slice = slices.get(i);
                    ByteBuffer got = reader.read(g.name(), slice);
                    assertArrayEquals(
                            GlobalTensors.cut(g, slice),
                            got.array(),
                            g.name() + " " + slice + " loaded by rank " + rank + " of " + world);
                    requested += got.capacity();
                }
            }
            return new long[] {reader.bytesRead(), requested};
        }
    }
}
