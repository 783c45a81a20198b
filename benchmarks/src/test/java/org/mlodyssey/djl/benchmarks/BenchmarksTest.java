/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Each benchmark's state sets up, its methods run once and do the work they are named for, and it
 * tears down (timing is JMH's job, not the tests').
 */
class BenchmarksTest {

    @Test
    void listenerStepTrainsAndTheCallbackRuns() throws Exception {
        ListenerStepBenchmark b = new ListenerStepBenchmark();
        b.setUp();
        try {
            b.trainingStep();
            b.trainingStep();
            for (int i = 0; i < 3; i++) {
                b.listenerCallback();
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void decodeReadsWhatWasWritten() throws Exception {
        DecodeBenchmark b = new DecodeBenchmark();
        b.setUp();
        try {
            assertArrayEquals(new int[] {10_000, 28, 28}, b.idxPlain().getDimensions());
            assertArrayEquals(b.idxPlain().getData(), b.idxGzip().getData());
            int label = b.cifarRecords();
            assertTrue(label >= 0 && label < 10, "label " + label);
            assertEquals(b.crc32c(), b.crc32c());
            assertTrue(b.crc32c() != new CRC32C().getValue(), "4 MiB were checksummed");
        } finally {
            b.tearDown();
        }
    }

    @Test
    void datasetBatchGivesNormalisedBatchesAcrossEpochs() throws Exception {
        DatasetBatchBenchmark b = new DatasetBatchBenchmark();
        b.batchSize = 128;
        b.setUp();
        try {
            // 3,600 images: 29 batches an epoch (the last one short), so this crosses an epoch.
            for (int i = 0; i < 40; i++) {
                float first = b.batch();
                assertTrue(Float.isFinite(first) && first > -5 && first < 5, "value " + first);
            }
        } finally {
            b.tearDown();
        }
    }
}
