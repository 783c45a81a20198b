/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

/**
 * A dataset that can be put at any position of a training run: the epoch whose order and
 * augmentation its next whole-epoch {@code getData} call yields, and how many of that epoch's
 * batches to leave out because a resumed run took them already. Its shuffling and augmentation
 * depend only on its own seed and the epoch number, so a resumed run gets exactly the batches the
 * uninterrupted run got.
 *
 * <p>The compact image datasets of djl-odyssey-datasets ({@code Emnist}, {@code Cifar10}, {@code
 * Cifar100}) are such datasets; {@code ResumableTraining.fit} positions them after a resume.
 */
public interface PositionableDataset {

    /**
     * Sets where the next whole-epoch {@code getData} call starts: epoch {@code epoch}, without its
     * first {@code batchesDone} batches. Later calls yield whole epochs.
     *
     * @param epoch the zero-based epoch
     * @param batchesDone how many of its batches are done, 0 for the whole epoch
     * @throws IllegalArgumentException if a value is negative
     */
    void setPosition(int epoch, int batchesDone);

    /**
     * Returns whether a position in the middle of an epoch is exact: the epoch's order depends only
     * on the dataset's seed and the epoch number. When it is not (a sampler with randomness of its
     * own), {@link #setPosition} still leaves out the batches done, from a newly drawn order.
     *
     * @return true unless the order of an epoch cannot be drawn again
     */
    default boolean isPositionableMidEpoch() {
        return true;
    }
}
