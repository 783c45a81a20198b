/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.training.dataset.Dataset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mlodyssey.djl.datasets.Cifar10;
import org.mlodyssey.djl.datasets.Cifar100;
import org.mlodyssey.djl.datasets.CompactImageDataset;
import org.mlodyssey.djl.datasets.Emnist;

/** The datasets of the command line, built through the datasets module. */
public enum DatasetKind {
    /** EMNIST; splits {@code byclass, bymerge, balanced, letters, digits, mnist}. */
    EMNIST("balanced", 1, Emnist.IMAGE_HEIGHT),
    /** CIFAR-10; no splits. */
    CIFAR10(null, 3, Cifar10.IMAGE_HEIGHT),
    /** CIFAR-100; splits {@code fine} (100 classes) and {@code coarse} (20 superclasses). */
    CIFAR100("fine", 3, Cifar100.IMAGE_HEIGHT);

    private final String defaultSplit;
    private final int channels;
    private final int size;

    DatasetKind(String defaultSplit, int channels, int size) {
        this.defaultSplit = defaultSplit;
        this.channels = channels;
        this.size = size;
    }

    /**
     * Returns the name used on the command line.
     *
     * @return the lower-case name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the image channels.
     *
     * @return 1 or 3
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the image height and width.
     *
     * @return 28 or 32
     */
    public int imageSize() {
        return size;
    }

    /**
     * Returns the split used when none is given.
     *
     * @return the split's name, or {@code null} for a dataset without splits
     */
    public String defaultSplit() {
        return defaultSplit;
    }

    /**
     * Checks a split name and returns it in canonical form.
     *
     * @param split the split given, or {@code null} for the default
     * @return the canonical split name, or {@code null} for a dataset without splits
     * @throws IllegalArgumentException naming the valid splits
     */
    public String checkSplit(String split) {
        if (split == null) {
            return defaultSplit;
        }
        String s = split.toLowerCase(Locale.ROOT);
        switch (this) {
            case EMNIST:
                for (Emnist.Split e : Emnist.Split.values()) {
                    if (e.getFileName().equals(s)) {
                        return s;
                    }
                }
                throw new IllegalArgumentException(
                        "Unknown EMNIST split '"
                                + split
                                + "'; valid: "
                                + Arrays.stream(Emnist.Split.values())
                                        .map(Emnist.Split::getFileName)
                                        .collect(Collectors.joining(", ")));
            case CIFAR10:
                throw new IllegalArgumentException("cifar10 has no splits, got '" + split + "'");
            case CIFAR100:
                if (s.equals("fine") || s.equals("coarse")) {
                    return s;
                }
                throw new IllegalArgumentException(
                        "Unknown CIFAR-100 split '" + split + "'; valid: fine, coarse");
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Returns the number of classes of a split.
     *
     * @param split a split returned by {@link #checkSplit}
     * @return the number of classes
     */
    public int numClasses(String split) {
        switch (this) {
            case EMNIST:
                return Emnist.Split.valueOf(split.toUpperCase(Locale.ROOT)).getNumClasses();
            case CIFAR10:
                return Cifar10.NUM_CLASSES;
            case CIFAR100:
                return split.equals("coarse") ? Cifar100.NUM_COARSE_CLASSES : Cifar100.NUM_CLASSES;
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Builds the dataset (not prepared).
     *
     * @param split a split returned by {@link #checkSplit}
     * @param usage train or test
     * @param dataDir the data directory, or {@code null} for the module's default
     * @param batchSize the batch size
     * @param shuffle whether batches are shuffled
     * @param normalize whether images are standardised (else only scaled to [0, 1])
     * @param limit how many images to keep at most
     * @param checkRecordCounts CIFAR: whether batch files must hold the official number of records
     *     ({@code false} reads smaller files of the same format)
     * @return the dataset
     */
    public CompactImageDataset build(
            String split,
            Dataset.Usage usage,
            Path dataDir,
            int batchSize,
            boolean shuffle,
            boolean normalize,
            long limit,
            boolean checkRecordCounts) {
        switch (this) {
            case EMNIST:
                Emnist.Builder emnist =
                        Emnist.builder()
                                .optSplit(Emnist.Split.valueOf(split.toUpperCase(Locale.ROOT)))
                                .optUsage(usage)
                                .optNormalize(normalize)
                                .setSampling(batchSize, shuffle)
                                .optLimit(limit);
                return (dataDir == null ? emnist : emnist.optDataDir(dataDir)).build();
            case CIFAR10:
                Cifar10.Builder cifar10 =
                        Cifar10.builder()
                                .optCheckRecordCounts(checkRecordCounts)
                                .optUsage(usage)
                                .optNormalize(normalize)
                                .setSampling(batchSize, shuffle)
                                .optLimit(limit);
                return (dataDir == null ? cifar10 : cifar10.optDataDir(dataDir)).build();
            case CIFAR100:
                Cifar100.Builder cifar100 =
                        Cifar100.builder()
                                .optLabels(
                                        split.equals("coarse")
                                                ? Cifar100.Labels.COARSE
                                                : Cifar100.Labels.FINE)
                                .optCheckRecordCounts(checkRecordCounts)
                                .optUsage(usage)
                                .optNormalize(normalize)
                                .setSampling(batchSize, shuffle)
                                .optLimit(limit);
                return (dataDir == null ? cifar100 : cifar100.optDataDir(dataDir)).build();
            default:
                throw new AssertionError(this);
        }
    }
}
