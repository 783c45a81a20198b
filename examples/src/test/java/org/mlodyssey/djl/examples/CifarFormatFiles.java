/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mlodyssey.djl.datasets.Cifar10;

/**
 * Writes small CIFAR-10 files in the official binary format (records of one label byte and 3072
 * channel-major pixels; five training batches, a test batch, {@code batches.meta.txt}) for the
 * tests. Each class is a colour with a bright square at a class-dependent place, plus noise, so a
 * model can learn it.
 */
public final class CifarFormatFiles {

    private static final int SIDE = 32;
    private static final int PIXELS = 3 * SIDE * SIDE;

    private CifarFormatFiles() {}

    /**
     * Writes the files under {@code dataDir/cifar-10-batches-bin}.
     *
     * @param dataDir the data directory to give the dataset
     * @param perBatch images per training batch file (five files)
     * @param testCount images in the test file
     * @param seed the noise seed
     * @return the class names written
     * @throws IOException if a file cannot be written
     */
    public static List<String> writeCifar10(Path dataDir, int perBatch, int testCount, long seed)
            throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve(Cifar10.ARCHIVE_DIR));
        Random random = new Random(seed);
        List<String> train = Cifar10.batchFileNames(true);
        for (String name : train) {
            Files.write(dir.resolve(name), records(perBatch, random));
        }
        for (String name : Cifar10.batchFileNames(false)) {
            Files.write(dir.resolve(name), records(testCount, random));
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < Cifar10.NUM_CLASSES; c++) {
            names.add("class" + c);
        }
        Files.writeString(
                dir.resolve("batches.meta.txt"),
                String.join("\n", names) + "\n\n",
                StandardCharsets.US_ASCII);
        return names;
    }

    private static byte[] records(int n, Random random) {
        byte[] out = new byte[n * (1 + PIXELS)];
        for (int k = 0; k < n; k++) {
            int label = random.nextInt(Cifar10.NUM_CLASSES);
            int base = k * (1 + PIXELS);
            out[base] = (byte) label;
            int squareX = (label % 4) * 8;
            int squareY = (label / 4) * 10;
            for (int c = 0; c < 3; c++) {
                int tint = ((label >> c) & 1) * 120;
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        boolean square =
                                x >= squareX && x < squareX + 8 && y >= squareY && y < squareY + 10;
                        int v = tint + (square ? 100 : 0) + random.nextInt(30);
                        out[base + 1 + (c * SIDE + y) * SIDE + x] = (byte) Math.min(255, v);
                    }
                }
            }
        }
        return out;
    }
}
