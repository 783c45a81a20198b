/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import java.nio.file.Path;

/**
 * The builder options the CIFAR datasets share.
 *
 * @param <T> the concrete builder type
 */
abstract class CifarBuilder<T extends CifarBuilder<T>> extends CompactImageDatasetBuilder<T> {

    boolean checkRecordCounts = true;

    CifarBuilder(Path defaultDataDir, float[] defaultMean, float[] defaultStd) {
        super(defaultDataDir, defaultMean, defaultStd);
    }

    /**
     * Turns on the standard augmentation (off by default): each image is randomly cropped back to
     * 32x32 from a copy zero-padded by 4 pixels on each side, then flipped left-right with
     * probability 1/2. The draw depends only on the seed, the epoch and the image.
     *
     * @param augment {@code true} to augment batches
     * @return this builder
     */
    public T optAugmentation(boolean augment) {
        this.augment = augment;
        return self();
    }

    /**
     * Sets whether each batch file must hold the official number of records (on by default): 10,000
     * per CIFAR-10 batch file, 50,000 in CIFAR-100's {@code train.bin} and 10,000 in its {@code
     * test.bin}. A file with another count, such as one cut at a record boundary by an interrupted
     * copy, then fails with a {@link org.mlodyssey.djl.datasets.format.DatasetFormatException}
     * ({@code TOO_LITTLE_DATA} or {@code TOO_MUCH_DATA}) naming the file. Turn it off to read
     * smaller files of the same format under the official names, such as a subset or a test
     * fixture.
     *
     * @param check {@code false} to accept any whole number of records
     * @return this builder
     */
    public T optCheckRecordCounts(boolean check) {
        this.checkRecordCounts = check;
        return self();
    }
}
