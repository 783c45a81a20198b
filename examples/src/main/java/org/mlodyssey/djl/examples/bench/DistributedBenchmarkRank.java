/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointWriter;
import org.mlodyssey.djl.checkpoint.distributed.SaveTimings;
import org.mlodyssey.djl.checkpoint.distributed.Slice;
import org.mlodyssey.djl.checkpoint.distributed.TensorShard;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/**
 * One writer or reader process of {@link DistributedBenchmark}: {@code save|load STORE CHECKPOINT
 * RANK WORLD MIB}. It first saves (or loads) three untimed 8 MiB warm-up checkpoints with the other
 * processes (with as many checksummed blocks as the timed one), so that the timed work runs in a
 * JVM that has loaded and compiled the code, as a training job's later saves do; then it prepares
 * its work (a saver fills its row slices of every tensor), prints {@code READY}, waits for a line
 * on standard input, does the work and prints {@code DONE <nanoseconds> <cpu nanoseconds> <bytes
 * read> <bytes requested>} and, for a save, the nanoseconds of its phases ({@link SaveTimings}:
 * check, file, gather, commit; zeros for a load). The tensors' data are direct buffers, as {@code
 * NDArray.toByteBuffer()} gives them.
 */
public final class DistributedBenchmarkRank {

    /** The number of global tensors the benchmark's bytes are spread over. */
    static final int TENSORS = 8;

    /** The size of the untimed warm-up save or load each process runs first. */
    static final int WARM_UP_MIB = 8;

    /**
     * What the name of the directory of a process's untimed warm-up checkpoints adds to the timed
     * one's.
     */
    static final String WARM_UP_SUFFIX = "-warmup";

    /** How many untimed warm-up saves (or loads) each process runs first. */
    static final int WARM_UPS = 3;

    /** The writer's default block size: 64 KiB. */
    static final int DEFAULT_BLOCK_BYTES = 64 << 10;

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
        long[] warmShape = shape(WARM_UP_MIB);
        try (CheckpointStore store = CheckpointStores.open(args[1])) {
            // The untimed warm-ups: small saves (or loads) of the same kind, so that the timed one
            // runs in a JVM that has loaded and compiled the code, as a job's later saves do.
            for (int w = 0; w < WARM_UPS; w++) {
                String warmUp = checkpoint + WARM_UP_SUFFIX + "/" + w;
                if (save) {
                    save(
                            store,
                            warmUp,
                            rank,
                            world,
                            shards(warmShape, rank, world),
                            warmUpBlockBytes(Integer.parseInt(args[5])));
                } else {
                    load(store, warmUp, slice(warmShape, rank, world));
                }
            }
            List<TensorShard> shards = save ? shards(shape, rank, world) : List.of();
            cpuNanos(); // its first call loads the management classes: not in the timed part
            System.out.println("READY");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            long[] counts = {0, 0};
            SaveTimings phases = new SaveTimings(0, 0, 0, 0);
            if (save) {
                phases = save(store, checkpoint, rank, world, shards, DEFAULT_BLOCK_BYTES);
            } else {
                counts = load(store, checkpoint, slice(shape, rank, world));
            }
            long elapsed = System.nanoTime() - t0;
            System.out.println(
                    String.join(
                            " ",
                            "DONE",
                            Long.toString(elapsed),
                            Long.toString(cpuNanos() - cpu0),
                            Long.toString(counts[0]),
                            Long.toString(counts[1]),
                            Long.toString(phases.checkNanos()),
                            Long.toString(phases.fileNanos()),
                            Long.toString(phases.gatherNanos()),
                            Long.toString(phases.commitNanos()),
                            Long.toString(t0)));
        }
    }

    private static Slice slice(long[] shape, int rank, int world) {
        long from = shape[0] * rank / world;
        return Slice.rows(shape, from, shape[0] * (rank + 1) / world - from);
    }

    private static List<TensorShard> shards(long[] shape, int rank, int world) {
        Slice mine = slice(shape, rank, world);
        List<TensorShard> shards = new ArrayList<>();
        for (int t = 0; t < TENSORS; t++) {
            shards.add(
                    TensorShard.of(
                            "layer" + t + ".weight",
                            TensorDType.F32,
                            shape,
                            mine,
                            fill(mine.elements() * 4, t * 1_000_003L + rank)));
        }
        return shards;
    }

    /**
     * Returns the block size of the warm-up save: small enough that its metadata holds as many
     * block checksums as the timed save's, so that the code writing and reading metadata of that
     * size is compiled as in a job's later saves.
     */
    static int warmUpBlockBytes(int mib) {
        return (int) Math.max(64, (long) DEFAULT_BLOCK_BYTES * WARM_UP_MIB / mib);
    }

    private static SaveTimings save(
            CheckpointStore store,
            String checkpoint,
            int rank,
            int world,
            List<TensorShard> shards,
            int blockBytes)
            throws IOException {
        DistributedCheckpointWriter writer =
                DistributedCheckpointWriter.builder()
                        .setStore(store)
                        .setCheckpoint(checkpoint)
                        .setRank(rank, world)
                        .optTimeout(Duration.ofMinutes(10))
                        .optBlockBytes(blockBytes)
                        .build();
        writer.save(shards);
        return writer.lastSaveTimings();
    }

    /** Reads this rank's slice of every tensor; returns the bytes read and requested. */
    private static long[] load(CheckpointStore store, String checkpoint, Slice mine)
            throws IOException {
        long requested = 0;
        try (DistributedCheckpointReader reader =
                DistributedCheckpointReader.open(store, checkpoint)) {
            for (int t = 0; t < TENSORS; t++) {
                requested += reader.read("layer" + t + ".weight", mine).capacity();
            }
            return new long[] {reader.bytesRead(), requested};
        }
    }

    /** Bytes of a cheap pseudo-random sequence (xorshift), not compressible, not all zero. */
    private static ByteBuffer fill(long bytes, long seed) {
        ByteBuffer buffer =
                ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
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
        return MachineCpu.processCpuNanos();
    }
}
