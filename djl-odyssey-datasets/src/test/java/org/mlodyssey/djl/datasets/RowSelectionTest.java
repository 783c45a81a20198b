/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.dataset.Dataset.Usage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which rows of a file a dataset keeps, without the engine. */
class RowSelectionTest {

    private static int[] rows(RowSelection s) {
        int[] rows = new int[s.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = s.row(i);
        }
        return rows;
    }

    @Test
    void testAndUnsplitTrainKeepEveryRowUpToTheLimit() {
        assertArrayEquals(
                new int[] {0, 1, 2, 3, 4}, rows(RowSelection.select(5, Usage.TEST, 0, 1, 99)));
        assertArrayEquals(new int[] {0, 1, 2}, rows(RowSelection.select(5, Usage.TRAIN, 0, 1, 3)));
        assertArrayEquals(new int[] {0, 1}, rows(RowSelection.select(5, Usage.TEST, 2, 1, 2)));
    }

    @Test
    void trainAndValidationPartitionTheRowsInFileOrder() {
        int[] train = rows(RowSelection.select(30, Usage.TRAIN, 7, 3, Long.MAX_VALUE));
        int[] validation = rows(RowSelection.select(30, Usage.VALIDATION, 7, 3, Long.MAX_VALUE));
        assertEquals(23, train.length);
        assertEquals(7, validation.length);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {train, validation}) {
            for (int i = 0; i < part.length; i++) {
                assertTrue(all.add(part[i]), "row " + part[i] + " in one part only");
                assertTrue(i == 0 || part[i] > part[i - 1], "ascending");
            }
        }
        assertEquals(30, all.size());
    }

    @Test
    void splitIsPinnedBySeed() {
        // Pinned: the same seed must split the same rows on every JVM and in every version.
        assertArrayEquals(
                new int[] {0, 4, 7}, rows(RowSelection.select(10, Usage.VALIDATION, 3, 42, 99)));
    }

    @Test
    void anotherSeedSplitsOtherwise() {
        int[] a = rows(RowSelection.select(100, Usage.VALIDATION, 10, 1, 99));
        int[] b = rows(RowSelection.select(100, Usage.VALIDATION, 10, 2, 99));
        assertTrue(!java.util.Arrays.equals(a, b));
    }

    @Test
    void limitCutsThePartKeepingItsFirstRows() {
        int[] all = rows(RowSelection.select(30, Usage.TRAIN, 7, 3, Long.MAX_VALUE));
        int[] cut = rows(RowSelection.select(30, Usage.TRAIN, 7, 3, 5));
        assertArrayEquals(java.util.Arrays.copyOf(all, 5), cut);
    }

    @Test
    void splitMustLeaveRowsOnBothSides() {
        assertThrows(
                IllegalArgumentException.class,
                () -> RowSelection.select(10, Usage.TRAIN, 10, 1, 99));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> RowSelection.select(10, Usage.VALIDATION, 11, 1, 99));
        assertEquals(
                "the validation split needs between 1 and 9 of the 10 training rows, 11 were"
                        + " asked for",
                e.getMessage());
    }
}
