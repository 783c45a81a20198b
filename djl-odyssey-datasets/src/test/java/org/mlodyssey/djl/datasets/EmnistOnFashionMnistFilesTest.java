/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset.Usage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.idx.IdxArray;
import org.mlodyssey.djl.datasets.idx.IdxReader;
import org.mlodyssey.djl.datasets.idx.IdxType;

/**
 * Runs the whole {@link Emnist} path on real IDX files: Debian's Fashion-MNIST test set, staged
 * under the names of EMNIST's mnist split. Skipped only when the files are absent outside CI.
 */
class EmnistOnFashionMnistFilesTest {

    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir Path dataDir;

    @Test
    void loadsTenThousandRealImagesCompactlyAndTransposesThem() throws Exception {
        Path images = DIR.resolve("t10k-images-idx3-ubyte.gz");
        Path labels = DIR.resolve("t10k-labels-idx1-ubyte.gz");
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(Files.isRegularFile(images), "dataset-fashion-mnist absent");
        }
        List<String> names = Emnist.fileNames(Emnist.Split.MNIST, false);
        Path gz = Files.createDirectories(dataDir.resolve("gzip"));
        Files.copy(images, gz.resolve(names.get(0)));
        Files.copy(labels, gz.resolve(names.get(1)));
        StringBuilder mapping = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            mapping.append(c).append(' ').append(48 + c).append('\n');
        }
        Files.writeString(gz.resolve(names.get(2)), mapping, StandardCharsets.US_ASCII);

        IdxArray raw = IdxReader.readAll(images, IdxType.UNSIGNED_BYTE, 3);
        IdxArray rawLabels = IdxReader.readAll(labels, IdxType.UNSIGNED_BYTE, 1);
        Emnist upright =
                Emnist.builder()
                        .optDataDir(dataDir)
                        .optSplit(Emnist.Split.MNIST)
                        .optUsage(Usage.TEST)
                        .optNormalize(false)
                        .setSampling(1000, false)
                        .build();
        upright.prepare();
        assertEquals(10_000, upright.size());
        assertEquals(10_000L * 784 + 10_000, upright.getStoredBytes(), "uint8, stored once");
        for (int i = 0; i < 10_000; i += 997) {
            assertEquals(rawLabels.getData()[i], upright.getLabel(i));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            int index = 4321;
            float[] image = upright.get(manager, index).getData().singletonOrThrow().toFloatArray();
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int expected = raw.getData()[index * 784 + x * 28 + y] & 0xff;
                    assertEquals(expected, Math.round(image[y * 28 + x] * 255));
                }
            }
            Emnist kept =
                    Emnist.builder()
                            .optDataDir(dataDir)
                            .optSplit(Emnist.Split.MNIST)
                            .optUsage(Usage.TEST)
                            .optNormalize(false)
                            .optRawOrientation(true)
                            .setSampling(1000, false)
                            .build();
            EmnistTest.Content content = EmnistTest.readBatches(manager, kept, 1000);
            assertEquals(10_000, content.images.size());
            byte[] last = new byte[784];
            for (int q = 0; q < 784; q++) {
                last[q] = (byte) Math.round(content.images.get(9_999)[q] * 255);
            }
            byte[] expected = new byte[784];
            System.arraycopy(raw.getData(), 9_999 * 784, expected, 0, 784);
            assertArrayEquals(expected, last);
        }
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void retainsAtMostOnePointOneTimesTheRawPixelBytes() throws Exception {
        Path images = DIR.resolve("train-images-idx3-ubyte.gz");
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(Files.isRegularFile(images), "dataset-fashion-mnist absent");
        }
        List<String> names = Emnist.fileNames(Emnist.Split.MNIST, true);
        Path gz = Files.createDirectories(dataDir.resolve("gzip"));
        Files.copy(images, gz.resolve(names.get(0)));
        Files.copy(DIR.resolve("train-labels-idx1-ubyte.gz"), gz.resolve(names.get(1)));
        StringBuilder mapping = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            mapping.append(c).append(' ').append(48 + c).append('\n');
        }
        Files.writeString(gz.resolve(names.get(2)), mapping, StandardCharsets.US_ASCII);
        Emnist emnist =
                Emnist.builder()
                        .optDataDir(dataDir)
                        .optSplit(Emnist.Split.MNIST)
                        .setSampling(128, true)
                        .build();
        long before = heapUsedAfterGc();
        emnist.prepare();
        long retained = heapUsedAfterGc() - before;
        long raw = 60_000L * 784;
        assertEquals(60_000, emnist.size());
        assertTrue(
                retained <= raw * 11 / 10,
                "retained " + retained + " bytes for " + raw + " raw pixel bytes");
        assertTrue(retained >= raw * 9 / 10, "the measurement sees the pixels: " + retained);
    }
}
