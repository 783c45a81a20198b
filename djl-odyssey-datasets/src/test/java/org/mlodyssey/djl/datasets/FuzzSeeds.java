/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;

/**
 * Writes the seed corpora of the dataset module's fuzz targets: the first images and labels of the
 * real Fashion-MNIST files (Debian's {@code dataset-fashion-mnist}), CIFAR files and archives as
 * the official ones are laid out. Run {@code main} with the module as working directory.
 */
public final class FuzzSeeds {

    private static final Path RESOURCES = Path.of("src/test/resources/org/mlodyssey/djl/datasets");
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private FuzzSeeds() {}

    /**
     * Writes the seeds.
     *
     * @param args unused
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path idx = Files.createDirectories(RESOURCES.resolve("idx/IdxFuzzTestInputs/fuzz"));
        byte[] images = head(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 16 + 2 * 784);
        images[7] = 2; // the first two images: a count of 2 in the header
        images[6] = images[5] = images[4] = 0;
        byte[] labels = head(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), 8 + 3);
        labels[7] = 3;
        labels[6] = labels[5] = labels[4] = 0;
        Files.write(idx.resolve("images-2"), images);
        Files.write(idx.resolve("images-2.gz"), FormatFixtures.gzip(images));
        Files.write(idx.resolve("labels-3"), labels);
        Files.write(idx.resolve("labels-3.gz"), FormatFixtures.gzip(labels));

        Path cifar = Files.createDirectories(RESOURCES.resolve("cifar/CifarFuzzTestInputs/fuzz"));
        Files.write(cifar.resolve("cifar10-2.bin"), CifarFixture.cifar10Batch(0, 2));
        Files.write(cifar.resolve("cifar100-1.bin"), CifarFixture.cifar100File(0, 1));
        Files.write(
                cifar.resolve("batches.meta.txt"), CifarFixture.lines(CifarFixture.names("c", 10)));

        Path archives =
                Files.createDirectories(RESOURCES.resolve("format/ArchiveFuzzTestInputs/fuzz"));
        Map<String, byte[]> tar = new LinkedHashMap<>();
        tar.put("cifar-10-batches-bin/data_batch_1.bin", CifarFixture.cifar10Batch(0, 1));
        tar.put(
                "cifar-10-batches-bin/batches.meta.txt",
                CifarFixture.lines(CifarFixture.names("c", 10)));
        Files.write(archives.resolve("cifar.tar.gz"), FormatFixtures.tarGz(tar));
        Map<String, byte[]> zip = new LinkedHashMap<>();
        zip.put("gzip/emnist-mnist-test-labels-idx1-ubyte.gz", FormatFixtures.gzip(labels));
        zip.put(
                "gzip/emnist-mnist-mapping.txt",
                String.join("\n", List.of("0 48", "1 49")).getBytes());
        Files.write(archives.resolve("emnist.zip"), FormatFixtures.zip(zip));
    }

    private static byte[] head(Path gz, int n) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            byte[] b = in.readNBytes(n);
            return Arrays.copyOf(b, n);
        }
    }
}
