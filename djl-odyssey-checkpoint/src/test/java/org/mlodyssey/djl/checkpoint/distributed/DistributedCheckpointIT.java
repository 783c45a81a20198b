/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;

/**
 * Ranks as separate JVMs sharing a directory: 4 save their slices (row, column and block splits,
 * replicated tensors) into one checkpoint; 1, 2, 3 and 8 load it under other splits and compare
 * every byte; then a rank is killed with SIGKILL half-way through writing its file: the coordinator
 * times out naming it, nothing is committed, and the earlier checkpoint still loads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedCheckpointIT {

    @TempDir static Path dir;
    @TempDir static Path logs;

    private static String store() {
        return dir.resolve("store").toString();
    }

    @Test
    @Order(1)
    void fourProcessesSaveAndOneTwoThreeAndEightLoadBitIdentical() throws Exception {
        List<ChildJvm> savers = new ArrayList<>();
        for (int rank = 0; rank < 4; rank++) {
            savers.add(start("save-" + rank, "save", "step-1", rank, 4, "60000"));
        }
        for (ChildJvm saver : savers) {
            assertNotNull(saver.awaitLine("SAVED"), saver.log());
        }
        try (CheckpointStore store = CheckpointStores.open(store())) {
            assertTrue(DistributedLayout.isCommitted(store, "step-1"));
        }
        for (int m : new int[] {1, 2, 3, 8}) {
            List<ChildJvm> loaders = new ArrayList<>();
            for (int rank = 0; rank < m; rank++) {
                loaders.add(start("load-" + m + "-" + rank, "load", "step-1", rank, m));
            }
            for (int rank = 0; rank < m; rank++) {
                ChildJvm loader = loaders.get(rank);
                String counts = loader.awaitLine("LOADED ");
                assertNotNull(counts, loader.log());
                System.out.println(
                        "distributed load by " + m + " processes, rank " + rank + ": " + counts);
            }
        }
    }

    @Test
    @Order(2)
    void aRankKilledMidSaveLeavesNoCommitAndTheCoordinatorNamesIt() throws Exception {
        List<ChildJvm> savers = new ArrayList<>();
        for (int rank = 0; rank < 4; rank++) {
            savers.add(
                    rank == 2
                            ? start("kill-save-2", "save", "step-2", 2, 4, "8000", "stall")
                            : start("kill-save-" + rank, "save", "step-2", rank, 4, "8000"));
        }
        ChildJvm victim = savers.get(2);
        assertNotNull(victim.awaitLine("MID_WRITE"), victim.log());
        victim.kill();
        String failure = savers.get(0).awaitLine("FAILED ");
        assertNotNull(failure, savers.get(0).log());
        System.out.println("coordinator: " + failure);
        assertTrue(failure.startsWith("MISSING_RANKS "), failure);
        assertTrue(failure.contains("ranks [2] of 4"), failure);
        for (int rank : new int[] {1, 3}) {
            String other = savers.get(rank).awaitLine("FAILED ");
            assertNotNull(other, savers.get(rank).log());
            assertTrue(other.startsWith("COMMIT_TIMEOUT "), other);
        }
        try (CheckpointStore store = CheckpointStores.open(store())) {
            assertFalse(DistributedLayout.isCommitted(store, "step-2"));
            assertEquals(
                    0,
                    store.list(DistributedLayout.prefix("step-2")).stream()
                            .filter(o -> o.key().endsWith(DistributedLayout.rankFile(2, 4)))
                            .count(),
                    "the killed rank's file never appeared");
            RankThreads.loadAndCompare(
                    store, "step-1", 2, DistributedRankChildMain.itSet()); // still loads
        }
    }

    private static ChildJvm start(
            String label, String mode, String checkpoint, int rank, int world, String... more)
            throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                mode,
                                store(),
                                checkpoint,
                                Integer.toString(rank),
                                Integer.toString(world)));
        args.addAll(List.of(more));
        return ChildJvm.start(
                logs, label, DistributedRankChildMain.class, args.toArray(new String[0]));
    }
}
