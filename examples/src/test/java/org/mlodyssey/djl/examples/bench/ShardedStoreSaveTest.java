/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.storage.s3.LoopbackS3Server;

/** The storage benchmark's sharded row, and the distributed benchmark's median, in-process. */
class ShardedStoreSaveTest {

    @Test
    void savesAndLoadsEvenShardsOfWholeTensorsAndCountsThem() throws Exception {
        TensorFile checkpoint = new TensorFile();
        for (int t = 0; t < 8; t++) {
            ByteBuffer data = ByteBuffer.allocate(64 << 10).order(ByteOrder.LITTLE_ENDIAN);
            while (data.hasRemaining()) {
                data.putFloat(t + data.position() / 4f);
            }
            checkpoint.put("t" + t, Tensor.of(TensorDType.F32, new long[] {16 << 10}, data.flip()));
        }
        try (LoopbackS3Server server = LoopbackS3Server.startInMemory(true)) {
            server.createBucket("bench");
            URI endpoint = URI.create("http://127.0.0.1:" + server.port());
            ShardedStoreSave.Result result =
                    ShardedStoreSave.time(
                            LoopbackS3Server.options(endpoint),
                            "s3://bench/x",
                            checkpoint,
                            4,
                            1,
                            2);
            StorageRowTimer.Row row = result.row();
            assertTrue(row.save() > 0 && row.load() > 0, row.toString());
            assertTrue(row.saveCpu() > 0, "the JVM used CPU time to save: " + row);
            assertTrue(
                    row.saveServerCpu() > 0 && row.saveServerCpu() <= row.saveCpu(),
                    "S3Proxy's threads handled the uploads, within the JVM's time: " + row);
            assertEquals(4, result.shards(), "8 tensors of 64 KiB in 4 shards of 128 KiB");
        }
        assertEquals("S3 store: 4 shards in parallel, a PUT each", ShardedStoreSave.title(4));
        assertEquals("S3 store: 1 shard in parallel, a PUT each", ShardedStoreSave.title(1));
    }

    @Test
    void theMedianOfAnEvenCountIsTheUpperMiddleAsInTheOtherBenchmarks() {
        assertEquals(5L, (long) DistributedBenchmark.median(List.of(5L, 3L, 1L, 9L), x -> x));
        assertEquals(
                CompressionBenchmark.median(new double[] {5, 3, 1, 9}),
                (double) DistributedBenchmark.median(List.of(5L, 3L, 1L, 9L), x -> x));
        assertEquals(5L, (long) DistributedBenchmark.median(List.of(5L, 3L, 9L), x -> x));
    }
}
