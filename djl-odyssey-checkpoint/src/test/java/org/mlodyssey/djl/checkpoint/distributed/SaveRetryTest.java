/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/** A failed distributed save retried: under its own save id again, or under a new one. */
class SaveRetryTest {

    @TempDir Path dir;

    private static final List<Global> SET = GlobalTensors.standardSet();

    @Test
    void aRankRetryingTheSameSaveIdIsRefusedBeforeItWritesAnything() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            failedAttemptOfRankOne(store);
            Path file = dir.resolve("c").resolve(DistributedLayout.rankFile(1, 2));
            byte[] before = Files.readAllBytes(file);
            DistributedCheckpointException e =
                    assertThrows(
                            DistributedCheckpointException.class,
                            () -> writer(store, 1, "c").save(GlobalTensors.shardsOf(SET, 1, 2)));
            assertEquals(Kind.SAVE_ID_REUSED, e.getKind());
            assertEquals(1, e.getRank());
            assertTrue(e.getMessage().contains("new save id"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file));
        }
    }

    @Test
    void theCoordinatorRetryingTheSameSaveIdIsRefused() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            DistributedCheckpointException first =
                    assertThrows(
                            DistributedCheckpointException.class,
                            () -> writer(store, 0, "c").save(GlobalTensors.shardsOf(SET, 0, 2)));
            assertEquals(Kind.MISSING_RANKS, first.getKind());
            DistributedCheckpointException e =
                    assertThrows(
                            DistributedCheckpointException.class,
                            () -> writer(store, 0, "c").save(GlobalTensors.shardsOf(SET, 0, 2)));
            assertEquals(Kind.SAVE_ID_REUSED, e.getKind());
            assertFalse(DistributedLayout.isCommitted(store, "c"));
        }
    }

    @Test
    void aRetryUnderANewSaveIdCommitsAndLoadsBitIdentical() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            failedAttemptOfRankOne(store);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<DistributedMetadata> r0 =
                        pool.submit(
                                () ->
                                        writer(store, 0, "c#2")
                                                .save(GlobalTensors.shardsOf(SET, 0, 2)));
                DistributedCheckpointWriter w1 = writer(store, 1, "c#2");
                Future<DistributedMetadata> r1 =
                        pool.submit(() -> w1.save(GlobalTensors.shardsOf(SET, 1, 2)));
                assertEquals("c#2", r0.get().saveId());
                assertEquals("c#2", r1.get().saveId());
                assertNotNull(w1.lastSaveTimings());
            } finally {
                pool.shutdownNow();
            }
            RankThreads.loadAndCompare(store, "c", 1, SET);
            try (DistributedCheckpointReader reader =
                    DistributedCheckpointReader.open(store, "c")) {
                reader.verify();
            }
        }
    }

    /** Rank 1 of 2 saves alone: it publishes, and times out waiting for the commit. */
    private static void failedAttemptOfRankOne(CheckpointStore store) {
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> writer(store, 1, "c").save(GlobalTensors.shardsOf(SET, 1, 2)));
        assertEquals(Kind.COMMIT_TIMEOUT, e.getKind());
    }

    private static DistributedCheckpointWriter writer(
            CheckpointStore store, int rank, String saveId) {
        return DistributedCheckpointWriter.builder()
                .setStore(store)
                .setCheckpoint("c")
                .setRank(rank, 2)
                .optSaveId(saveId)
                .optTimeout(Duration.ofMillis(300))
                .build();
    }
}
