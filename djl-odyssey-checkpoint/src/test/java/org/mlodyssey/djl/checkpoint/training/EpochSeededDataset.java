/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;

/**
 * An array dataset shuffled per epoch from a fixed seed and the epoch number, and positionable: a
 * stand-in for the compact image datasets in this module's tests.
 */
public final class EpochSeededDataset extends ArrayDataset implements PositionableDataset {

    private final int batchSize;
    private int epoch;
    private int batchesToSkip;

    EpochSeededDataset(NDArray data, NDArray labels, int batchSize) {
        super(
                new ArrayDataset.Builder()
                        .setData(data)
                        .optLabels(labels)
                        .setSampling(batchSize, false));
        this.batchSize = batchSize;
    }

    @Override
    public void setPosition(int epoch, int batchesDone) {
        this.epoch = epoch;
        this.batchesToSkip = batchesDone;
    }

    @Override
    public Iterable<Batch> getData(NDManager manager) throws IOException, TranslateException {
        return getData(manager, (ExecutorService) null);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, ExecutorService executor)
            throws IOException, TranslateException {
        Sampler sampler = new EpochSampler(epoch++, batchesToSkip, batchSize);
        batchesToSkip = 0;
        return getData(manager, sampler, executor);
    }

    /** The batches of one epoch's seeded order, less the first ones. */
    private static final class EpochSampler implements Sampler {

        private final int epoch;
        private final int skip;
        private final int batchSize;

        EpochSampler(int epoch, int skip, int batchSize) {
            this.epoch = epoch;
            this.skip = skip;
            this.batchSize = batchSize;
        }

        @Override
        public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
            List<Long> order = new ArrayList<>();
            for (long i = 0; i < dataset.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(1_000_003L * epoch + 17));
            List<List<Long>> batches = new ArrayList<>();
            for (int from = 0; from < order.size(); from += batchSize) {
                batches.add(order.subList(from, Math.min(order.size(), from + batchSize)));
            }
            return batches.subList(skip, batches.size()).iterator();
        }

        @Override
        public int getBatchSize() {
            return batchSize;
        }
    }
}
