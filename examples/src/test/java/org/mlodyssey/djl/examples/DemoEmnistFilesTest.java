/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.Emnist;

/** The demo dataset is EMNIST's file format as the datasets module reads it, upright. */
class DemoEmnistFilesTest {

    @TempDir Path dir;

    @Test
    void emnistReadsTheDemoFilesUprightWithTheirLabels() throws Exception {
        DemoEmnistFiles.Written written = DemoEmnistFiles.write(dir, 2, 1, 5);
        assertEquals(72, written.trainImages());
        assertEquals(36, written.testImages());
        Emnist train =
                Emnist.builder()
                        .optSplit(Emnist.Split.BALANCED)
                        .optDataDir(dir)
                        .optUsage(Dataset.Usage.TRAIN)
                        .optNormalize(false)
                        .setSampling(1, false)
                        .build();
        train.prepare();
        assertEquals(72, train.size());
        assertEquals(47, train.getClassNames().size());
        for (int label = 0; label < 36; label++) {
            assertEquals(
                    String.valueOf(StrokeFont.DEMO_CHARACTERS.charAt(label)),
                    train.getClassNames().get(label));
        }
        Set<Integer> labels = new HashSet<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int i = 0; i < 72; i++) {
                DemoEmnistFiles.Sample expected = DemoEmnistFiles.sample(true, i, 2, 5);
                assertEquals(expected.label(), train.getLabel(i), "label of image " + i);
                labels.add(train.getLabel(i));
                float[] pixels = train.get(manager, i).getData().singletonOrThrow().toFloatArray();
                byte[] got = new byte[pixels.length];
                for (int p = 0; p < pixels.length; p++) {
                    got[p] = (byte) Math.round(pixels[p] * 255);
                }
                assertArrayEquals(expected.upright(), got, "pixels of image " + i);
            }
        }
        assertEquals(36, labels.size(), "every drawn class appears twice");
    }

    @Test
    void imagesAreNotTransposeSymmetricSoOrientationIsChecked() {
        byte[] image = DemoEmnistFiles.sample(true, 0, 2, 5).upright();
        byte[] transposed = new byte[image.length];
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                transposed[r * 28 + c] = image[c * 28 + r];
            }
        }
        assertFalse(java.util.Arrays.equals(image, transposed));
        int lit = 0;
        for (byte b : image) {
            lit += (b & 0xff) > 128 ? 1 : 0;
        }
        assertTrue(lit > 20 && lit < 400, "a stroke drawing, not blank or full: " + lit);
    }

    @Test
    void theSameSeedWritesTheSameBytes() throws Exception {
        DemoEmnistFiles.Written a = DemoEmnistFiles.write(dir.resolve("a"), 1, 1, 9);
        DemoEmnistFiles.Written b = DemoEmnistFiles.write(dir.resolve("b"), 1, 1, 9);
        for (int i = 0; i < a.files().size(); i++) {
            assertArrayEquals(
                    Files.readAllBytes(a.files().get(i)),
                    Files.readAllBytes(b.files().get(i)),
                    a.files().get(i).getFileName().toString());
        }
    }
}
