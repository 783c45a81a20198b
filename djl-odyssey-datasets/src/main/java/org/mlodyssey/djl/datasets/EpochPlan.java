/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongToIntFunction;
import org.mlodyssey.djl.checkpoint.internal.SplitMix64;

/**
 * The seeded plan of a compact image dataset's epochs: which epoch comes next, how many batches of
 * it a resumed run leaves out, and the batches of rows an epoch plays (shuffled per epoch from the
 * seed, cut into batches, the last one kept or dropped).
 *
 * <p>It knows nothing of images or of the engine: a batch is an array of row indices.
 */
final class EpochPlan {

    private final long seed;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final AtomicInteger epoch = new AtomicInteger();
    private final AtomicInteger batchesToSkip = new AtomicInteger();

    /**
     * Creates the plan of a dataset.
     *
     * @param seed the seed the order of each epoch is drawn from
     * @param batchSize the batch size of {@link #batches(int, int)}; unused when the dataset has a
     *     sampler of its own
     * @param shuffle whether {@link #batches(int, int)} shuffles the rows of each epoch
     * @param dropLast whether {@link #batches(int, int)} drops the last incomplete batch
     */
    EpochPlan(long seed, int batchSize, boolean shuffle, boolean dropLast) {
        this.seed = seed;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
    }

    /**
     * Returns the epoch number the next epoch plays.
     *
     * @return the epoch number, 0 for the first epoch
     */
    int getEpoch() {
        return epoch.get();
    }

    /**
     * Puts the plan at a position: the next whole epoch is {@code epoch} and leaves out its first
     * {@code batchesDone} batches.
     *
     * @param epoch the epoch number, 0 for the first epoch
     * @param batchesDone the batches of that epoch already played
     * @throws IllegalArgumentException if either is negative
     */
    void setPosition(int epoch, int batchesDone) {
        if (epoch < 0 || batchesDone < 0) {
            throw new IllegalArgumentException(
                    "epoch and batchesDone must not be negative: " + epoch + ", " + batchesDone);
        }
        this.epoch.set(epoch);
        this.batchesToSkip.set(batchesDone);
    }

    /**
     * Starts a whole epoch: returns its number and advances the plan to the next one.
     *
     * @return the number of the epoch started
     */
    int startEpoch() {
        return epoch.getAndIncrement();
    }

    /**
     * Returns the batches the epoch just started leaves out, and forgets them: only the first epoch
     * after {@link #setPosition(int, int)} leaves batches out.
     *
     * @return the number of batches to leave out
     */
    int takeBatchesToSkip() {
        return batchesToSkip.getAndSet(0);
    }

    /**
     * Leaves out the first {@code skip} batches of an epoch's plan.
     *
     * @param plan the epoch's batches
     * @param skip the number of batches to leave out
     * @param epochNumber the epoch, for the message
     * @param dataset names the dataset, for the message
     * @throws IllegalStateException if the epoch has fewer batches than {@code skip}
     */
    static void skip(Iterator<int[]> plan, int skip, int epochNumber, String dataset) {
        for (int b = 0; b < skip; b++) {
            if (!plan.hasNext()) {
                throw new IllegalStateException(
                        "Cannot start epoch "
                                + epochNumber
                                + " of "
                                + dataset
                                + " after batch "
                                + skip
                                + ": it has "
                                + b
                                + " batches");
            }
            plan.next();
        }
    }

    /**
     * Returns the batches of rows an epoch plays: rows {@code 0..size-1}, shuffled from the seed
     * and the epoch number when shuffling is on (the same order for the same seed and epoch on
     * every JVM), cut into batches of the batch size.
     *
     * @param size the number of rows of the dataset
     * @param epochNumber the epoch
     * @return the batches, each an array of row indices
     */
    Iterator<int[]> batches(int size, int epochNumber) {
        int n = size;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random random = new Random(SplitMix64.mix(seed, epochNumber, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int batches = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public int[] next() {
                if (next >= batches) {
                    throw new NoSuchElementException();
                }
                int from = next * batchSize;
                int to = Math.min(n, from + batchSize);
                next++;
                int[] indices = new int[to - from];
                System.arraycopy(order, from, indices, 0, indices.length);
                return indices;
            }
        };
    }

    /**
     * Turns the batches of a {@link ai.djl.training.dataset.Sampler} into batches of rows.
     *
     * @param source the sampler's batches of indices
     * @param toRow checks an index and returns it as a row (throws for one out of range)
     * @return the batches, each an array of row indices
     */
    static Iterator<int[]> fromSampler(Iterator<List<Long>> source, LongToIntFunction toRow) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public int[] next() {
                List<Long> list = source.next();
                int[] indices = new int[list.size()];
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = toRow.applyAsInt(list.get(i));
                }
                return indices;
            }
        };
    }
}
