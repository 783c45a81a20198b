/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.cifar;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.internal.ClassNamesReader;

/**
 * Fuzzes the CIFAR readers: any bytes read as a CIFAR-10 batch, a CIFAR-100 file (every record,
 * every label checked) and a class-name file. The only failure allowed is a {@link
 * DatasetFormatException}. Seeds: CIFAR-10 and CIFAR-100 files and a label-name file written as the
 * official archives hold them.
 */
class CifarFuzzTest {

    private static final Path FILE = FormatFixtures.scratch("fuzz-batch.bin");

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        for (int[] limits : new int[][] {{10}, {20, 100}}) {
            try (CifarRecordReader reader = CifarRecordReader.open(FILE, limits)) {
                int[] labels = new int[limits.length];
                byte[] pixels = new byte[CifarRecordReader.PIXEL_BYTES];
                for (int i = 0; i < reader.getCount(); i++) {
                    reader.next(labels, pixels, 0);
                }
            } catch (DatasetFormatException expected) {
                // a typed error: what a malformed file must give
            }
        }
        for (int classes : new int[] {10, 100}) {
            try {
                ClassNamesReader.read(FILE, classes);
            } catch (DatasetFormatException expected) {
                // a typed error: what a malformed file must give
            }
        }
    }
}
