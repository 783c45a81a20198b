/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.training.dataset.Dataset.Usage;
import java.util.BitSet;
import java.util.Random;

/**
 * Which rows of a file a dataset keeps, in ascending file order: all of them, or the training or
 * validation part of a deterministic split, cut to a limit.
 */
final class RowSelection {

    private final int[] rows;
    private final int size;

    private RowSelection(int[] rows, int size) {
        this.rows = rows;
        this.size = size;
    }

    /**
     * Selects the rows a dataset keeps.
     *
     * @param total the number of rows in the file(s)
     * @param usage TRAIN, TEST or VALIDATION
     * @param validationSize the number of training rows carved out for validation (0 for none)
     * @param splitSeed the seed of the split
     * @param limit the most rows to keep
     * @return the selection
     */
    static RowSelection select(
            int total, Usage usage, int validationSize, long splitSeed, long limit) {
        if (usage == Usage.TEST || (usage == Usage.TRAIN && validationSize == 0)) {
            return new RowSelection(null, (int) Math.min(total, limit));
        }
        if (validationSize <= 0 || validationSize >= total) {
            throw new IllegalArgumentException(
                    "the validation split needs between 1 and "
                            + (total - 1)
                            + " of the "
                            + total
                            + " training rows, "
                            + validationSize
                            + " were asked for");
        }
        BitSet validation = validationRows(total, validationSize, splitSeed);
        boolean wantValidation = usage == Usage.VALIDATION;
        int count = wantValidation ? validationSize : total - validationSize;
        int size = (int) Math.min(count, limit);
        int[] rows = new int[size];
        int k = 0;
        for (int r = 0; r < total && k < size; r++) {
            if (validation.get(r) == wantValidation) {
                rows[k++] = r;
            }
        }
        return new RowSelection(rows, size);
    }

    /**
     * Draws the validation rows: the first {@code validationSize} positions of a Fisher-Yates
     * shuffle driven by {@link Random} (whose algorithm the JDK specifies, so the split is the same
     * on every JVM).
     */
    private static BitSet validationRows(int total, int validationSize, long splitSeed) {
        int[] perm = new int[total];
        for (int i = 0; i < total; i++) {
            perm[i] = i;
        }
        Random random = new Random(splitSeed);
        BitSet chosen = new BitSet(total);
        for (int i = 0; i < validationSize; i++) {
            int j = i + random.nextInt(total - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            chosen.set(perm[i]);
        }
        return chosen;
    }

    /**
     * Returns the number of rows kept.
     *
     * @return the number of rows kept
     */
    int size() {
        return size;
    }

    /**
     * Returns the file row of the i-th kept row.
     *
     * @param i the position among the kept rows, from 0 to {@link #size()} - 1
     * @return the row in the file
     */
    int row(int i) {
        return rows == null ? i : rows[i];
    }
}
