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
import java.util.List;
import java.util.Objects;
import org.mlodyssey.djl.datasets.download.RemoteFile;
import org.mlodyssey.djl.datasets.internal.ClassNamesReader;

/**
 * CIFAR-100 (Krizhevsky, 2009): 32x32 colour images in 100 fine classes grouped into 20 coarse
 * classes, 50,000 for training and 10,000 for testing.
 *
 * <p>Reads the official binary distribution: the archive {@code cifar-100-binary.tar.gz} or the
 * files extracted from it ({@code cifar-100-binary/train.bin}, {@code test.bin}, {@code
 * fine_label_names.txt} and {@code coarse_label_names.txt}, in the data directory or in its {@code
 * cifar-100-binary/} subdirectory). Each record holds both labels; {@link
 * Builder#optLabels(Labels)} picks which one the dataset gives, and the class names follow.
 *
 * <p>Storage, batching and augmentation are those of {@link Cifar10}.
 */
public final class Cifar100 extends CompactImageDataset {

    /** The image width in pixels. */
    public static final int IMAGE_WIDTH = 32;

    /** The image height in pixels. */
    public static final int IMAGE_HEIGHT = 32;

    /** The number of fine classes. */
    public static final int NUM_CLASSES = 100;

    /** The number of coarse classes (superclasses). */
    public static final int NUM_COARSE_CLASSES = 20;

    /** The per-channel (R, G, B) mean of the training images, on the [0, 1] scale. */
    public static final float[] NORMALIZE_MEAN = {0.5071f, 0.4867f, 0.4408f};

    /**
     * The per-channel (R, G, B) standard deviation of all training pixels, on the [0, 1] scale (the
     * dataset's true standard deviation; see {@link Cifar10#NORMALIZE_STD}).
     */
    public static final float[] NORMALIZE_STD = {0.2675f, 0.2565f, 0.2761f};

    /** The official archive: the binary version of CIFAR-100 (its size is not published). */
    public static final RemoteFile ARCHIVE =
            new RemoteFile(
                    "cifar-100-binary.tar.gz",
                    URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
                    -1,
                    "03b5dce01913d631647c71ecec9e9cb8");

    /** The directory the archive holds its files in. */
    public static final String ARCHIVE_DIR = "cifar-100-binary";

    /** Which of a record's two labels the dataset gives. */
    public enum Labels {
        /** The 100 fine classes (the second label byte of a record). */
        FINE,
        /** The 20 coarse classes (the first label byte of a record). */
        COARSE
    }

    /** The number of records in the official {@code train.bin}. */
    public static final int TRAIN_RECORDS = 50_000;

    /** The number of records in the official {@code test.bin}. */
    public static final int TEST_RECORDS = 10_000;

    private final Labels labels;
    private final boolean checkRecordCounts;

    private Cifar100(Builder builder) {
        super(builder);
        this.labels = builder.labels;
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
     * Returns which labels this dataset gives.
     *
     * @return FINE or COARSE
     */
    public Labels getLabels() {
        return labels;
    }

    /**
     * Returns the number of classes of the labels this dataset gives.
     *
     * @return 100 for fine labels, 20 for coarse labels
     */
    public int getNumClasses() {
        return labels == Labels.FINE ? NUM_CLASSES : NUM_COARSE_CLASSES;
    }

    /** {@inheritDoc} */
    @Override
    ImageStore load(Progress progress) throws IOException {
        String batch = usage == Usage.TEST ? "test.bin" : "train.bin";
        String namesFile =
                labels == Labels.FINE ? "fine_label_names.txt" : "coarse_label_names.txt";
        List<Path> paths =
                DatasetFiles.resolve(
                        "CIFAR-100 (" + usage + ")",
                        dataDir,
                        DatasetFiles.inArchiveDir(dataDir, ARCHIVE_DIR, List.of(batch, namesFile)),
                        ARCHIVE,
                        mirror,
                        progress);
        List<String> classNames = ClassNamesReader.read(paths.get(1), getNumClasses());
        int expected = usage == Usage.TEST ? TEST_RECORDS : TRAIN_RECORDS;
        return CifarLoader.load(
                this,
                List.of(paths.get(0)),
                new int[] {expected},
                checkRecordCounts,
                new int[] {NUM_COARSE_CLASSES, NUM_CLASSES},
                labels == Labels.FINE ? 1 : 0,
                classNames,
                progress);
    }

    /** A builder for {@link Cifar100}. */
    public static final class Builder extends CifarBuilder<Builder> {

        Labels labels = Labels.FINE;

        Builder() {
            super(
                    Utils.getCacheDir().resolve("datasets").resolve("cifar100"),
                    NORMALIZE_MEAN,
                    NORMALIZE_STD);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets which labels the dataset gives (FINE by default).
         *
         * @param labels FINE or COARSE
         * @return this builder
         */
        public Builder optLabels(Labels labels) {
            this.labels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /**
         * Builds the dataset; call {@code prepare} on it before use.
         *
         * @return a new dataset
         */
        public Cifar100 build() {
            return new Cifar100(this);
        }
    }
}
