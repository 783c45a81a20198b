/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;
import org.mlodyssey.djl.datasets.internal.ArchiveExtractor;

/**
 * Fuzzes the archive extractor: any bytes extracted as a tar.gz archive and as a zip archive, each
 * asked for the members the datasets need. The only failure allowed is a {@link
 * DatasetFormatException}. Seeds: a CIFAR-style tar.gz and an EMNIST-style zip archive.
 */
class ArchiveFuzzTest {

    private static final Path ARCHIVE = FormatFixtures.scratch("fuzz-archive");
    private static final Path TARGET = ARCHIVE.resolveSibling("extracted");

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        Files.write(ARCHIVE, bytes);
        try {
            ArchiveExtractor.extractTarGz(
                    ARCHIVE, Map.of("cifar-10-batches-bin/batches.meta.txt", TARGET));
        } catch (DatasetFormatException expected) {
            // a typed error: what a malformed archive must give
        }
        try {
            ArchiveExtractor.extractZip(ARCHIVE, Map.of("gzip/emnist-mnist-mapping.txt", TARGET));
        } catch (DatasetFormatException expected) {
            // a typed error: what a malformed archive must give
        }
    }
}
