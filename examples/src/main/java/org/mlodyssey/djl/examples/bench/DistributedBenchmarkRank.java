/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointWriter;
import org.mlodyssey.djl.checkpoint.distributed.Slice;
import org.mlodyssey.djl.checkpoint.distributed.TensorShard;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/**
 * One writer or reader process of {@link DistributedBenchmark}: {@code save|load STORE CHECKPOINT
 * RANK WORLD MIB}. It prepares its work (a saver fills its row slices of every tensor), prints
 * {@code READY}, waits for a line on standard input, does the work and prints {@code DONE
 * <nanoseconds> <cpu nanoseconds> <bytes read> <bytes requested>}.
 */
public final class DistributedBenchmarkRank {

    /** The number of global tensors the benchmark's bytes are spread over. */
    static final int TENSORS = 8;

    /** The columns of every tensor (float32): 4 KiB rows. */
    static final long COLUMNS = 1024;

    private DistributedBenchmarkRank() {}

    /**
     * Returns the global shape of every tensor of a benchmark of a size.
     *
     * @param mib the total size in MiB
     * @return the shape
     */
    static long[] shape(int mib) {
        return new long[] {(long) mib * (1 << 20) / TENSORS / (COLUMNS * 4), COLUMNS};
    }

    /**
     * Runs one rank.
     *
     * @param args {@code save|load STORE CHECKPOINT RANK WORLD MIB}
     * @throws Exception if the work fails
     */
    public static void main(String[] args) throws Exception {
        boolean save = args[0].equals("save");
        String checkpoint = args[2];
        int rank = Integer.parseInt(args[3]);
        int world = Integer.parseInt(args[4]);
        long[] shape = shape(Integer.parseInt(args[5]));
        long from = shape[0] * rank / world;
        Slice mine = Slice.rows(shape, from, shape[0] * (rank + 1) / world - from);
        try (CheckpointStore store = CheckpointStores.open(args[1])) {
            List<TensorShard> shards = new ArrayList<>();
            if (save) {
                for (int t = 0; t < TENSORS; t++) {
                    shards.add(
                            TensorShard.of(
                                    "layer" + t + ".weight",
                                    TensorDType.F32,
                                    shape,
                                    mine,
                                    fill(mine.elements() * 4, t * 1_000_003L + rank)));
                }
            }
            System.out.println("READY");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            long read = 0;
            long requested = 0;
            if (save) {
                DistributedCheckpointWriter.builder()
                        .setStore(store)
                        .setCheckpoint(checkpoint)
                        .setRank(rank, world)
                        .optTimeout(Duration.ofMinutes(10))
                        .build()
                        .save(shards);
            } else {
                try (DistributedCheckpointReader reader =
                        DistributedCheckpointReader.open(store, checkpoint)) {
                    for (int t = 0; t < TENSORS; t++) {
                        requested += reader.read("layer" + t + ".weight", mine).capacity();
                    }
                    read = reader.bytesRead();
                }
            }
            long elapsed = System.nanoTime() - t0;
            System.out.println(
                    "DONE " + elapsed + " " + (cpuNanos() - cpu0) + " " + read + " " + requested);
        }
    }

    /** Bytes of a cheap pseudo-random sequence (xorshift), not compressible, not all zero. */
    private static ByteBuffer fill(long bytes, long seed) {
        ByteBuffer buffer =
                ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        LongBuffer longs = buffer.asLongBuffer();
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        while (longs.hasRemaining()) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            longs.put(x);
        }
        return buffer;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
