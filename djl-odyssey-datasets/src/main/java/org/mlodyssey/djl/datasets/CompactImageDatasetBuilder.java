/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The builder options all compact image datasets share: the base of {@link Emnist.Builder}, {@link
 * Cifar10.Builder} and {@link Cifar100.Builder}, as DJL's {@link RandomAccessDataset.BaseBuilder}
 * is of DJL's dataset builders. Code that configures any of them alike takes a {@code
 * CompactImageDatasetBuilder<?>}. Only this package's datasets extend it.
 *
 * @param <T> the concrete builder type
 */
public abstract class CompactImageDatasetBuilder<T extends CompactImageDatasetBuilder<T>>
        extends RandomAccessDataset.BaseBuilder<T> {

    Usage usage = Usage.TRAIN;
    Path dataDir;
    String mirror;
    int validationSize;
    long splitSeed = CompactImageDataset.DEFAULT_SPLIT_SEED;
    long seed;
    boolean normalize = true;
    float[] mean;
    float[] std;
    boolean augment;
    int cropPadding = 4;
    boolean ownSampling;
    int batchSize;
    boolean shuffle;
    boolean dropLast;

    CompactImageDatasetBuilder(Path defaultDataDir, float[] defaultMean, float[] defaultStd) {
        this.dataDir = defaultDataDir;
        this.mean = defaultMean.clone();
        this.std = defaultStd.clone();
    }

    /**
     * Sets which part of the dataset to read.
     *
     * @param usage TRAIN (the training files, less the validation split if any), TEST, or
     *     VALIDATION (the validation split carved from the training files)
     * @return this builder
     */
    public T optUsage(Usage usage) {
        this.usage = Objects.requireNonNull(usage, "usage");
        return self();
    }

    /**
     * Sets the directory holding the official archive or its extracted files; missing files are
     * downloaded (or extracted from the archive) into it.
     *
     * @param dataDir the data directory
     * @return this builder
     */
    public T optDataDir(Path dataDir) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        return self();
    }

    /**
     * Downloads the official archive from a mirror instead of the publisher: the mirror's base URL
     * followed by the archive's file name. The published size and MD5 are still checked.
     *
     * @param mirrorBaseUrl the mirror's base URL
     * @return this builder
     */
    public T optMirror(String mirrorBaseUrl) {
        this.mirror = Objects.requireNonNull(mirrorBaseUrl, "mirrorBaseUrl");
        return self();
    }

    /**
     * Carves a deterministic validation split of {@code size} images out of the training files,
     * with the default split seed; TRAIN then reads the rest and VALIDATION reads the split.
     *
     * @param size the number of training images to hold out
     * @return this builder
     */
    public T optValidationSplit(int size) {
        return optValidationSplit(size, CompactImageDataset.DEFAULT_SPLIT_SEED);
    }

    /**
     * Carves a deterministic validation split of {@code size} images out of the training files;
     * TRAIN then reads the rest and VALIDATION reads the split. Builders given the same size and
     * seed agree on the split, so a TRAIN and a VALIDATION dataset never overlap.
     *
     * @param size the number of training images to hold out
     * @param seed the seed that draws them
     * @return this builder
     */
    public T optValidationSplit(int size, long seed) {
        if (size < 0) {
            throw new IllegalArgumentException("negative validation size: " + size);
        }
        this.validationSize = size;
        this.splitSeed = seed;
        return self();
    }

    /**
     * Sets the seed of shuffling and augmentation (0 by default).
     *
     * @param seed the seed
     * @return this builder
     */
    public T optSeed(long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * Sets whether batches are standardised with the dataset's mean and std (the default) or only
     * scaled to [0, 1].
     *
     * @param normalize {@code true} to standardise
     * @return this builder
     */
    public T optNormalize(boolean normalize) {
        this.normalize = normalize;
        return self();
    }

    /**
     * Replaces the per-channel mean and std used to standardise batches.
     *
     * @param mean the mean of each channel, on the [0, 1] scale
     * @param std the standard deviation of each channel, on the [0, 1] scale
     * @return this builder
     */
    public T optNormalization(float[] mean, float[] std) {
        if (mean.length != this.mean.length || std.length != this.std.length) {
            throw new IllegalArgumentException(
                    "expected " + this.mean.length + " channels of mean and std");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: " + s);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
        return self();
    }

    /**
     * Sets deterministic sampling: batches of {@code batchSize}, shuffled per epoch from the seed
     * when {@code random} is set.
     *
     * @param batchSize the batch size
     * @param random whether to shuffle
     * @param dropLast whether to drop the last incomplete batch
     * @return this builder
     */
    @Override
    public T setSampling(int batchSize, boolean random, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        super.setSampling(batchSize, random, dropLast);
        this.ownSampling = true;
        this.batchSize = batchSize;
        this.shuffle = random;
        this.dropLast = dropLast;
        return self();
    }

    /**
     * Sets a custom sampler, used as it is (its randomness is its own).
     *
     * @param sampler the sampler
     * @return this builder
     */
    @Override
    public T setSampling(Sampler sampler) {
        super.setSampling(sampler);
        this.ownSampling = false;
        return self();
    }
}
