/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointWriter;
import org.mlodyssey.djl.checkpoint.distributed.Slice;
import org.mlodyssey.djl.checkpoint.distributed.TensorShard;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/**
 * The worked example of {@code docs/distributed-checkpoints.md}: a linear layer split 2-way by
 * output rows (tensor parallelism, each rank holding half the weight's rows and half the bias) is
 * saved by 2 ranks into one distributed checkpoint and loaded whole into a DJL {@link Linear} in
 * one process, whose output equals the two ranks' outputs side by side. The ranks are two threads
 * here; in a real job they are two processes (or hosts) given the same store location.
 */
public final class TensorParallelLinear {

    /** The layer's inputs. */
    static final int IN = 6;

    /** The layer's outputs, split between the two ranks. */
    static final int OUT = 8;

    /**
     * What the example found.
     *
     * @param weightsIdentical whether the loaded weight and bias equal the ranks' bit for bit
     * @param maxDifference the largest difference between the loaded layer's output and the ranks'
     *     outputs side by side
     */
    public record Result(boolean weightsIdentical, double maxDifference) {}

    private TensorParallelLinear() {}

    /**
     * Runs the example and prints its result.
     *
     * @param args {@code [directory]}; default a temporary directory, deleted at the end
     * @throws Exception if saving or loading fails
     */
    public static void main(String[] args) throws Exception {
        System.out.println(runExample(args));
    }

    /**
     * Saves the split layer with two ranks and loads it whole.
     *
     * @param args {@code [directory]}; default a temporary directory, deleted at the end
     * @return whether the loaded layer matches the ranks
     * @throws Exception if saving or loading fails
     */
    public static Result runExample(String... args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tp-linear");
        try (CheckpointStore store = CheckpointStores.open(dir.toString());
                NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(42);
            float[][] weightRows = new float[2][OUT / 2 * IN];
            float[][] biasParts = new float[2][OUT / 2];
            for (int rank = 0; rank < 2; rank++) {
                fill(random, weightRows[rank]);
                fill(random, biasParts[rank]);
            }
            // Both ranks save at once, each its own half.
            CompletableFuture<?>[] ranks = new CompletableFuture<?>[2];
            for (int rank = 0; rank < 2; rank++) {
                int r = rank;
                ranks[r] =
                        CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        saveRank(store, r, weightRows[r], biasParts[r]);
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                });
            }
            CompletableFuture.allOf(ranks).join();

            Linear linear = loadWhole(store, manager);
            NDArray weight = linear.getParameters().get("weight").getArray();
            NDArray bias = linear.getParameters().get("bias").getArray();
            float[] expectedWeight = concat(weightRows[0], weightRows[1]);
            float[] expectedBias = concat(biasParts[0], biasParts[1]);
            boolean identical =
                    Arrays.equals(expectedWeight, weight.toFloatArray())
                            && Arrays.equals(expectedBias, bias.toFloatArray());

            NDArray x = manager.randomNormal(new Shape(3, IN));
            NDArray whole =
                    linear.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .singletonOrThrow();
            NDArray[] halves = new NDArray[2];
            for (int rank = 0; rank < 2; rank++) {
                NDArray w = manager.create(weightRows[rank], new Shape(OUT / 2, IN));
                halves[rank] = x.matMul(w.transpose()).add(manager.create(biasParts[rank]));
            }
            NDArray sideBySide = NDArrays.concat(new NDList(halves), 1);
            double difference = whole.sub(sideBySide).abs().max().getFloat();
            return new Result(identical, difference);
        } finally {
            if (args.length == 0) {
                AtomicFiles.deleteRecursively(dir);
            }
        }
    }

    // The sample of docs/distributed-checkpoints.md, from here:
    /** Rank {@code rank} of 2 saves its rows of the weight and its part of the bias. */
    static void saveRank(CheckpointStore store, int rank, float[] weightRows, float[] biasPart)
            throws IOException {
        long[] weightShape = {OUT, IN};
        long[] biasShape = {OUT};
        long rows = OUT / 2;
        DistributedCheckpointWriter writer =
                DistributedCheckpointWriter.builder()
                        .setStore(store) // the same directory or bucket for every rank
                        .setCheckpoint("step-100")
                        .setRank(rank, 2)
                        .build();
        writer.save(
                List.of(
                        TensorShard.of(
                                "linear.weight",
                                TensorDType.F32,
                                weightShape,
                                Slice.rows(weightShape, rank * rows, rows),
                                littleEndian(weightRows)),
                        TensorShard.of(
                                "linear.bias",
                                TensorDType.F32,
                                biasShape,
                                Slice.rows(biasShape, rank * rows, rows),
                                littleEndian(biasPart))));
        // Returns once rank 0 has checked that the halves tile both tensors and committed.
    }

    /** One process loads the whole layer, assembled from both ranks' files. */
    static Linear loadWhole(CheckpointStore store, NDManager manager) throws IOException {
        try (DistributedCheckpointReader reader =
                DistributedCheckpointReader.open(store, "step-100")) {
            Linear linear = Linear.builder().setUnits(OUT).build();
            linear.getParameters()
                    .get("weight")
                    .setArray(
                            manager.create(
                                    reader.read("linear.weight").asFloatBuffer(),
                                    new Shape(OUT, IN)));
            linear.getParameters()
                    .get("bias")
                    .setArray(
                            manager.create(
                                    reader.read("linear.bias").asFloatBuffer(), new Shape(OUT)));
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, IN));
            return linear;
        }
    }

    // to here.

    private static ByteBuffer littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    private static void fill(Random random, float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
