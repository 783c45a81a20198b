/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Iterates the batches of one epoch of a {@link CompactImageDataset}, building each batch in bulk,
 * optionally ahead of time on an executor.
 *
 * <p>Like DJL's {@code DataIterable}, it works in a sub-manager of the caller's manager, each batch
 * in its own sub-manager, and closes its sub-manager when the epoch ends (unless the system
 * property {@code ai.djl.dataiterator.autoclose} is {@code false}).
 */
final class ImageBatches implements Iterable<Batch>, Iterator<Batch> {

    private final CompactImageDataset dataset;
    private final NDManager manager;
    private final Iterator<int[]> plan;
    private final ExecutorService executor;
    private final Queue<Future<Batch>> queue = new ArrayDeque<>();
    private final int epoch;
    private final NDList normalization;
    private final boolean autoClose;
    private long progress;

    ImageBatches(
            CompactImageDataset dataset,
            NDManager manager,
            Iterator<int[]> plan,
            ExecutorService executor,
            int prefetch,
            int epoch) {
        this.dataset = dataset;
        this.manager = manager.newSubManager();
        this.manager.setName("compactImageBatches");
        this.plan = plan;
        this.executor = executor;
        this.epoch = epoch;
        this.normalization = dataset.normalization(this.manager);
        this.autoClose =
                Boolean.parseBoolean(System.getProperty("ai.djl.dataiterator.autoclose", "true"));
        if (executor != null) {
            for (int i = 0; i < Math.max(1, prefetch); i++) {
                submitNext();
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<Batch> iterator() {
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public boolean hasNext() {
        boolean more = executor != null ? !queue.isEmpty() : plan.hasNext();
        if (!more && autoClose) {
            manager.close();
        }
        return more;
    }

    /** {@inheritDoc} */
    @Override
    public Batch next() {
        if (executor == null) {
            if (!plan.hasNext()) {
                throw new NoSuchElementException();
            }
            int[] indices = plan.next();
            progress += indices.length;
            return dataset.makeBatch(manager, indices, progress, epoch, normalization, true);
        }
        submitNext();
        Future<Batch> future = queue.poll();
        if (future == null) {
            throw new NoSuchElementException();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("building a batch failed", e.getCause());
        }
    }

    private void submitNext() {
        if (!plan.hasNext()) {
            return;
        }
        int[] indices = plan.next();
        progress += indices.length;
        long batchProgress = progress;
        queue.offer(
                executor.submit(
                        () ->
                                dataset.makeBatch(
                                        manager,
                                        indices,
                                        batchProgress,
                                        epoch,
                                        normalization,
                                        true)));
    }
}
