/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.gzip;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.idxU8;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;

/** Small EMNIST files of one split, in the exact official formats and layouts. */
final class EmnistFixture {

    /** Where the files go. */
    enum Layout {
        /** Extracted from gzip.zip: {@code dataDir/gzip/*.gz}. */
        GZIP_SUBDIR,
        /** Gzip files directly in the data directory. */
        FLAT_GZ,
        /** Uncompressed IDX files directly in the data directory. */
        FLAT_PLAIN,
        /** Only the official archive {@code gzip.zip}. */
        ZIP
    }

    final Emnist.Split split;
    final int count;
    final byte[] raw;
    final int[] labels;
    final List<String> classNames;

    private EmnistFixture(Emnist.Split split, int count) {
        this.split = split;
        this.count = count;
        this.raw = new byte[count * 784];
        this.labels = new int[count];
        for (int i = 0; i < count; i++) {
            for (int q = 0; q < 784; q++) {
                raw[i * 784 + q] = (byte) (i * 31 + q * 7 + (q / 28) * 3);
            }
            // the image id, at raw positions the transposition leaves in place: (0,0) and (1,1)
            raw[i * 784] = (byte) i;
            raw[i * 784 + 29] = (byte) (i >> 8);
            labels[i] = (i * 5) % split.getNumClasses();
        }
        this.classNames = classNames(split);
    }

    static List<String> classNames(Emnist.Split split) {
        List<String> names = new ArrayList<>();
        String merged = "abdefghnqrt";
        for (int c = 0; c < split.getNumClasses(); c++) {
            if (split == Emnist.Split.LETTERS) {
                names.add("" + (char) ('A' + c) + (char) ('a' + c));
            } else if (c < 10) {
                names.add("" + (char) ('0' + c));
            } else if (c < 36) {
                names.add("" + (char) ('A' + c - 10));
            } else if (split == Emnist.Split.BYCLASS) {
                names.add("" + (char) ('a' + c - 36));
            } else {
                names.add("" + merged.charAt(c - 36));
            }
        }
        return names;
    }

    static int offset(Emnist.Split split) {
        return split == Emnist.Split.LETTERS ? 1 : 0;
    }

    /** The id written into an image by this fixture, read back from upright or raw pixels. */
    static int imageId(float[] pixels01, int base) {
        return Math.round(pixels01[base] * 255) + 256 * Math.round(pixels01[base + 29] * 255);
    }

    byte[] mapping() {
        StringBuilder sb = new StringBuilder();
        int off = offset(split);
        for (int c = 0; c < classNames.size(); c++) {
            sb.append(c + off);
            for (char ch : classNames.get(c).toCharArray()) {
                sb.append(' ').append((int) ch);
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    byte[] imagesIdx() {
        return idxU8(raw, count, 28, 28);
    }

    byte[] labelsIdx() {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (labels[i] + offset(split));
        }
        return idxU8(b, count);
    }

    /** Writes the files of one usage of a split with {@code count} images. */
    static EmnistFixture write(
            Path dataDir, Emnist.Split split, boolean train, int count, Layout layout) {
        EmnistFixture f = new EmnistFixture(split, count);
        List<String> names = Emnist.fileNames(split, train);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(names.get(0), gzip(f.imagesIdx()));
        files.put(names.get(1), gzip(f.labelsIdx()));
        files.put(names.get(2), f.mapping());
        switch (layout) {
            case GZIP_SUBDIR:
                files.forEach(
                        (n, b) -> FormatFixtures.write(dataDir.resolve("gzip").resolve(n), b));
                break;
            case FLAT_GZ:
                files.forEach((n, b) -> FormatFixtures.write(dataDir.resolve(n), b));
                break;
            case FLAT_PLAIN:
                FormatFixtures.write(
                        dataDir.resolve(names.get(0).replace(".gz", "")), f.imagesIdx());
                FormatFixtures.write(
                        dataDir.resolve(names.get(1).replace(".gz", "")), f.labelsIdx());
                FormatFixtures.write(dataDir.resolve(names.get(2)), f.mapping());
                break;
            case ZIP:
                Map<String, byte[]> members = new LinkedHashMap<>();
                files.forEach((n, b) -> members.put("gzip/" + n, b));
                members.put("gzip/emnist-other-file.txt", new byte[] {1, 2, 3});
                FormatFixtures.write(dataDir.resolve("gzip.zip"), FormatFixtures.zip(members));
                break;
            default:
                throw new IllegalArgumentException(layout.toString());
        }
        return f;
    }
}
