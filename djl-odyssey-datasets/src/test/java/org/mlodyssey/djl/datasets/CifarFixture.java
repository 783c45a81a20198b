/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;

/** Small CIFAR-10 / CIFAR-100 binary files in the exact official formats. */
final class CifarFixture {

    static final int PIXELS = 3072;

    /** The pixels of image {@code id}: distinct per image, with the id at channel 0, (0, 0). */
    static byte[] image(int id) {
        byte[] p = new byte[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            p[i] = (byte) (id * 13 + i * 5 + i / 32);
        }
        p[0] = (byte) id;
        return p;
    }

    static int fineLabel(int id) {
        return (id * 7 + 3) % 100;
    }

    static int coarseLabel(int id) {
        return fineLabel(id) / 5;
    }

    static int label10(int id) {
        return (id * 3 + 1) % 10;
    }

    /** One CIFAR-10 batch file of images {@code first..first+n-1}. */
    static byte[] cifar10Batch(int first, int n) {
        byte[] b = new byte[n * (1 + PIXELS)];
        for (int k = 0; k < n; k++) {
            b[k * (1 + PIXELS)] = (byte) label10(first + k);
            System.arraycopy(image(first + k), 0, b, k * (1 + PIXELS) + 1, PIXELS);
        }
        return b;
    }

    /** One CIFAR-100 file of images {@code first..first+n-1}. */
    static byte[] cifar100File(int first, int n) {
        byte[] b = new byte[n * (2 + PIXELS)];
        for (int k = 0; k < n; k++) {
            b[k * (2 + PIXELS)] = (byte) coarseLabel(first + k);
            b[k * (2 + PIXELS) + 1] = (byte) fineLabel(first + k);
            System.arraycopy(image(first + k), 0, b, k * (2 + PIXELS) + 2, PIXELS);
        }
        return b;
    }

    static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    static byte[] lines(List<String> names) {
        return (String.join("\n", names) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The CIFAR-10 archive members: 5 training batches of {@code perBatch} images (ids 0..), a test
     * batch of {@code testCount} images (ids 200..) and batches.meta.txt.
     */
    static Map<String, byte[]> cifar10Members(int perBatch, int testCount) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cifar-10-batches-bin/readme.html", new byte[] {'h', 'i'});
        for (int i = 0; i < 5; i++) {
            m.put(
                    "cifar-10-batches-bin/data_batch_" + (i + 1) + ".bin",
                    cifar10Batch(i * perBatch, perBatch));
        }
        m.put("cifar-10-batches-bin/test_batch.bin", cifar10Batch(200, testCount));
        m.put("cifar-10-batches-bin/batches.meta.txt", lines(names("class", 10)));
        return m;
    }

    /** The CIFAR-100 archive members: train (ids 0..) and test (ids 200..) plus the names. */
    static Map<String, byte[]> cifar100Members(int trainCount, int testCount) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cifar-100-binary/train.bin", cifar100File(0, trainCount));
        m.put("cifar-100-binary/test.bin", cifar100File(200, testCount));
        m.put("cifar-100-binary/fine_label_names.txt", lines(names("fine", 100)));
        m.put("cifar-100-binary/coarse_label_names.txt", lines(names("coarse", 20)));
        return m;
    }

    /** Writes archive members as extracted files under {@code dataDir}. */
    static void extract(Path dataDir, Map<String, byte[]> members) {
        members.forEach((n, b) -> FormatFixtures.write(dataDir.resolve(n), b));
    }

    private CifarFixture() {}
}
