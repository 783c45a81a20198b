/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointWriter;
import org.mlodyssey.djl.checkpoint.distributed.DistributedLayout;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors;
import org.mlodyssey.djl.checkpoint.distributed.RankThreads;

/** Distributed checkpoints in a bucket: saved by rank threads, loaded under other splits. */
class DistributedS3Test extends S3ProxyTestBase {

    private S3CheckpointStore store() {
        return S3CheckpointStore.open(
                "s3://" + bucket + "/runs/a",
                LoopbackS3Server.options(proxy.endpoint()).optPartSize(PART).build());
    }

    @Test
    void savedByThreeRanksLoadsBitIdenticalUnderOtherSplits() throws Exception {
        List<GlobalTensors.Global> set = GlobalTensors.standardSet();
        try (S3CheckpointStore store = store()) {
            RankThreads.save(store, "step-1", 3, set, 256);
            assertTrue(DistributedLayout.isCommitted(store, "step-1"));
            for (int m : new int[] {1, 3}) {
                RankThreads.loadAndCompare(store, "step-1", m, set);
            }
            try (DistributedCheckpointReader reader =
                    DistributedCheckpointReader.open(store, "step-1")) {
                reader.verify();
            }
        }
    }

    @Test
    void aMissingRankTimesOutAndNothingIsCommitted() throws Exception {
        try (S3CheckpointStore store = store()) {
            DistributedCheckpointException e =
                    assertThrows(
                            DistributedCheckpointException.class,
                            () ->
                                    DistributedCheckpointWriter.builder()
                                            .setStore(store)
                                            .setCheckpoint("step-2")
                                            .setRank(0, 2)
                                            .optTimeout(Duration.ofMillis(500))
                                            .build()
                                            .save(
                                                    GlobalTensors.shardsOf(
                                                            GlobalTensors.standardSet(), 0, 2)));
            assertEquals(Kind.MISSING_RANKS, e.getKind());
            assertEquals(1, e.getRank());
            assertTrue(e.getMessage().contains("s3://" + bucket), e.getMessage());
            assertFalse(DistributedLayout.isCommitted(store, "step-2"));
        }
    }
}
