/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the real Fashion-MNIST IDX files of Debian's {@code dataset-fashion-mnist} package (the
 * same gzip IDX format as EMNIST). Skipped only when the files are absent outside CI; in CI ({@code
 * CI=true}) absent files fail the test.
 */
class FashionMnistFilesTest {

    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @BeforeAll
    static void requireFiles() {
        boolean present = Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz"));
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(present, "Debian's dataset-fashion-mnist is not installed");
        }
    }

    private static void check(String images, String labels, int count) throws Exception {
        IdxArray img = IdxReader.readAll(DIR.resolve(images), IdxType.UNSIGNED_BYTE, 3);
        IdxArray lbl = IdxReader.readAll(DIR.resolve(labels), IdxType.UNSIGNED_BYTE, 1);
        assertArrayEquals(new int[] {count, 28, 28}, img.getDimensions());
        assertArrayEquals(new int[] {count}, lbl.getDimensions());
        assertEquals(count * 784, img.getData().length);
        int[] perClass = new int[10];
        for (byte b : lbl.getData()) {
            assertTrue((b & 0xff) < 10, "label " + (b & 0xff));
            perClass[b & 0xff]++;
        }
        for (int c : perClass) {
            assertEquals(count / 10, c, "Fashion-MNIST is balanced");
        }
        long sum = 0;
        for (byte b : img.getData()) {
            sum += b & 0xff;
        }
        double mean = sum / (255.0 * img.getData().length);
        assertTrue(mean > 0.2 && mean < 0.4, "mean pixel " + mean);
    }

    @Test
    void readsTrainFiles() throws Exception {
        check("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000);
    }

    @Test
    void readsTestFiles() throws Exception {
        check("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10_000);
    }
}
