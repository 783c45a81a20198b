/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;

/**
 * Fuzzes the IDX reader: any bytes, plain or gzip-compressed, read whole as labels (one dimension)
 * and as images (three), with the budget of the largest EMNIST file, and row by row. The only
 * failure allowed is a {@link DatasetFormatException}. Seeds: the first images and labels of the
 * real Fashion-MNIST files, plain and gzip-compressed.
 */
class IdxFuzzTest {

    private static final Path FILE = FormatFixtures.scratch("fuzz-idx-ubyte");
    private static final int BUDGET = 697_932;

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        for (int dims : new int[] {1, 3}) {
            try {
                IdxReader.readAll(FILE, IdxType.UNSIGNED_BYTE, dims, BUDGET);
            } catch (DatasetFormatException expected) {
                // a typed error: what a malformed file must give
            }
            try (IdxReader reader = IdxReader.open(FILE, IdxType.UNSIGNED_BYTE, dims, BUDGET)) {
                byte[] row = new byte[reader.getRowBytes()];
                reader.readRows(row, 0, 1);
                reader.expectEnd();
            } catch (DatasetFormatException expected) {
                // a typed error: what a malformed file must give
            }
        }
    }
}
