/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.util.Progress;
import ai.djl.util.Utils;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mlodyssey.djl.datasets.download.RemoteFile;
import org.mlodyssey.djl.datasets.internal.ClassNamesReader;

/**
 * CIFAR-10 (Krizhevsky, 2009): 32x32 colour images in 10 classes, 50,000 for training and 10,000
 * for testing.
 *
 * <p>Reads the official binary distribution: the archive {@code cifar-10-binary.tar.gz} or the
 * files extracted from it ({@code cifar-10-batches-bin/data_batch_1.bin} to {@code
 * data_batch_5.bin}, {@code test_batch.bin} and {@code batches.meta.txt}, in the data directory or
 * in its {@code cifar-10-batches-bin/} subdirectory). Class names come from {@code
 * batches.meta.txt}.
 *
 * <p>Images are held as uint8 (150 MB for the training set, where a float32 copy would take 600
 * MB), batches are built in bulk and, with {@link Builder#optAugmentation(boolean)}, augmented in
 * the same pass by a random crop with 4-pixel zero padding and a random horizontal flip, decided
 * per image by the seed and the epoch; see {@link CompactImageDataset}.
 */
public final class Cifar10 extends CompactImageDataset {

    /** The image width in pixels. */
    public static final int IMAGE_WIDTH = 32;

    /** The image height in pixels. */
    public static final int IMAGE_HEIGHT = 32;

    /** The number of classes. */
    public static final int NUM_CLASSES = 10;

    /** The per-channel (R, G, B) mean of the training images, on the [0, 1] scale. */
    public static final float[] NORMALIZE_MEAN = {0.4914f, 0.4822f, 0.4465f};

    /**
     * The per-channel (R, G, B) standard deviation of all training pixels, on the [0, 1] scale.
     *
     * <p>This is the dataset's true standard deviation, so standardised images have unit variance.
     * The often copied (0.2023, 0.1994, 0.2010), which DJL's own {@code Cifar10} uses, is the mean
     * of per-image standard deviations, smaller because it leaves out the variation between images.
     */
    public static final float[] NORMALIZE_STD = {0.2470f, 0.2435f, 0.2616f};

    /** The official archive: the binary version of CIFAR-10. */
    public static final RemoteFile ARCHIVE =
            new RemoteFile(
                    "cifar-10-binary.tar.gz",
                    URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                    170_052_171L,
                    "c32a1d4ab5d03f1284b67883e8d87530");

    /** The directory the archive holds its files in. */
    public static final String ARCHIVE_DIR = "cifar-10-batches-bin";

    /** The number of records in each official batch file, training or test. */
    public static final int RECORDS_PER_BATCH = 10_000;

    private final boolean checkRecordCounts;

    private Cifar10(Builder builder) {
        super(builder);
        this.checkRecordCounts = builder.checkRecordCounts;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the names of the batch files of a usage, without directory.
     *
     * @param train {@code true} for the five training batches, {@code false} for the test batch
     * @return the file names, in reading order
     */
    public static List<String> batchFileNames(boolean train) {
        if (!train) {
            return List.of("test_batch.bin");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            names.add("data_batch_" + i + ".bin");
        }
        return names;
    }

    /** {@inheritDoc} */
    @Override
    ImageStore load(Progress progress) throws IOException {
        List<String> names = new ArrayList<>(batchFileNames(usage != Usage.TEST));
        names.add("batches.meta.txt");
        List<Path> paths =
                DatasetFiles.resolve(
                        "CIFAR-10 (" + usage + ")",
                        dataDir,
                        DatasetFiles.inArchiveDir(dataDir, ARCHIVE_DIR, names),
                        ARCHIVE,
                        mirror,
                        progress);
        List<String> classNames = ClassNamesReader.read(paths.get(names.size() - 1), NUM_CLASSES);
        List<Path> batches = paths.subList(0, names.size() - 1);
        int[] expectedCounts = new int[batches.size()];
        Arrays.fill(expectedCounts, RECORDS_PER_BATCH);
        return CifarLoader.load(
                this,
                batches,
                expectedCounts,
                checkRecordCounts,
                new int[] {NUM_CLASSES},
                0,
                classNames,
                progress);
    }

    /** A builder for {@link Cifar10}. */
    public static final class Builder extends CifarBuilder<Builder> {

        Builder() {
            super(
                    Utils.getCacheDir().resolve("datasets").resolve("cifar10"),
                    NORMALIZE_MEAN,
                    NORMALIZE_STD);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the dataset; call {@code prepare} on it before use.
         *
         * @return a new dataset
         */
        public Cifar10 build() {
            return new Cifar10(this);
        }
    }
}
