/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/**
 * A user's own process group in place of the storage polling: manifests travel as bytes through
 * memory (as they would through an all-gather), the commit news through a latch.
 */
class CustomCoordinationTest {

    @TempDir Path dir;

    /** A process group of threads: gather into a map, announce through a future. */
    static final class InMemoryGroup implements SaveCoordination {
        final ConcurrentHashMap<Integer, byte[]> published = new ConcurrentHashMap<>();
        final CountDownLatch allPublished;
        final CompletableFuture<Boolean> committed = new CompletableFuture<>();

        InMemoryGroup(int world) {
            allPublished = new CountDownLatch(world);
        }

        @Override
        public List<RankManifest> gather(SaveContext context, RankManifest mine)
                throws IOException {
            published.put(mine.rank(), mine.toJson());
            allPublished.countDown();
            if (!context.isCoordinator()) {
                return List.of();
            }
            try {
                assertTrue(allPublished.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            List<RankManifest> all = new ArrayList<>();
            for (int r = 0; r < context.worldSize(); r++) {
                all.add(RankManifest.parse(published.get(r), "rank " + r));
            }
            return all;
        }

        @Override
        public void announce(SaveContext context, boolean ok) {
            committed.complete(ok);
        }

        @Override
        public void awaitCommit(SaveContext context) throws IOException {
            try {
                if (!committed.get(30, TimeUnit.SECONDS)) {
                    throw new IOException("the coordinator failed");
                }
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    @Test
    void aProcessGroupCoordinatesInPlaceOfTheStore() throws Exception {
        List<Global> set = GlobalTensors.standardSet();
        InMemoryGroup group = new InMemoryGroup(3);
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            List<CompletableFuture<DistributedMetadata>> ranks = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                int rank = r;
                ranks.add(
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return DistributedCheckpointWriter.builder()
                                                .setStore(store)
                                                .setCheckpoint("c")
                                                .setRank(rank, 3)
                                                .optCoordinatorRank(2)
                                                .optTimeout(Duration.ofSeconds(30))
                                                .optCoordination(group)
                                                .build()
                                                .save(GlobalTensors.shardsOf(set, rank, 3));
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                }));
            }
            for (CompletableFuture<DistributedMetadata> rank : ranks) {
                assertEquals(8, rank.get(60, TimeUnit.SECONDS).tensors().size());
            }
            // No manifest went through the store: the group carried them.
            assertFalse(
                    Files.exists(dir.resolve("c").resolve(DistributedLayout.rankManifest(0, 3))));
            RankThreads.loadAndCompare(store, "c", 2, set);
        }
    }
}
