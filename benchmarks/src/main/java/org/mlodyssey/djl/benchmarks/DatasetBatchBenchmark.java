/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.datasets.Emnist;
import org.mlodyssey.djl.examples.DemoEmnistFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One batch of an {@link Emnist} dataset's seeded shuffled epoch (28x28 images in the EMNIST file
 * format, written by {@link DemoEmnistFiles}): the rows gathered into the scratch buffer, one uint8
 * array made from it, converted to float32 and normalised on the engine, and the labels.
 */
@State(Scope.Benchmark)
public class DatasetBatchBenchmark extends EngineBenchmark {

    /** The batch size. */
    @Param({"32", "128"})
    public int batchSize;

    private Path directory;
    private NDManager manager;
    private Emnist dataset;
    private Iterator<Batch> batches;

    /**
     * Writes the files (100 images per class) and prepares the dataset.
     *
     * @throws IOException if the files cannot be written or read
     * @throws TranslateException if the dataset cannot be prepared
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, TranslateException {
        directory = Files.createTempDirectory("odyssey-jmh-batch");
        DemoEmnistFiles.write(directory, 100, 1, 1);
        manager = NDManager.newBaseManager();
        dataset =
                Emnist.builder()
                        .optSplit(DemoEmnistFiles.SPLIT)
                        .optDataDir(directory)
                        .setSampling(batchSize, true)
                        .build();
        dataset.prepare(null);
    }

    /**
     * Closes the manager and deletes the files.
     *
     * @throws IOException if they cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        manager.close();
        AtomicFiles.deleteRecursively(directory);
    }

    /**
     * Builds the next batch of the shuffled order (a new epoch when one ends) and closes it.
     *
     * @return the batch's first data value
     * @throws IOException if a batch cannot be built
     * @throws TranslateException if a batch cannot be built
     */
    @Benchmark
    public float batch() throws IOException, TranslateException {
        if (batches == null || !batches.hasNext()) {
            batches = dataset.getData(manager).iterator();
        }
        try (Batch batch = batches.next()) {
            NDArray data = batch.getData().head();
            return data.getFloat(0, 0, 0, 0);
        }
    }
}
