/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.Utils;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code odyssey preview} writes a grid of the expected size, every cell drawn and labelled. */
class PreviewCommandTest {

    @TempDir Path dir;

    @Test
    void emnistGridHasEveryCellDrawnAndLabelledUpright() throws Exception {
        Path data = dir.resolve("emnist");
        DemoEmnistFiles.write(data, 2, 1, 5);
        Path png = dir.resolve("grid.png");
        Cli.Outcome o =
                Cli.run(
                        "preview",
                        "--dataset",
                        "emnist",
                        "--data-dir",
                        data.toString(),
                        "--rows",
                        "3",
                        "--cols",
                        "4",
                        "--scale",
                        "2",
                        "--out",
                        png.toString());
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("12 images in a 3x4 grid"), o.out());
        SampleGrid.Result r =
                SampleGrid.run(DatasetKind.EMNIST, "balanced", data, 3, 4, 2, true, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(4 * (56 + 2 * SampleGrid.PADDING), image.getWidth());
        assertEquals(
                3 * (56 + SampleGrid.LABEL_HEIGHT + 2 * SampleGrid.PADDING), image.getHeight());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expected.add(String.valueOf(DemoEmnistFiles.sample(true, i, 2, 5).character()));
        }
        assertEquals(expected, r.labels());
        for (int i = 0; i < 12; i++) {
            int x0 = (i % 4) * r.cellWidth() + SampleGrid.PADDING;
            int y0 = (i / 4) * r.cellHeight() + SampleGrid.PADDING;
            // The image, pixel for pixel: the demo image upright, enlarged twice.
            byte[] upright = DemoEmnistFiles.sample(true, i, 2, 5).upright();
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = image.getRGB(x0 + 2 * x + 1, y0 + 2 * y + 1) & 0xff;
                    assertEquals(upright[y * 28 + x] & 0xff, v, "cell " + i + " at " + x + "," + y);
                }
            }
            // The label strip below it: dark strokes on white.
            int dark = 0;
            int white = 0;
            for (int y = y0 + 56; y < y0 + 56 + SampleGrid.LABEL_HEIGHT; y++) {
                for (int x = x0; x < x0 + 56; x++) {
                    int v = image.getRGB(x, y) & 0xff;
                    dark += v < 100 ? 1 : 0;
                    white += v == 255 ? 1 : 0;
                }
            }
            assertTrue(dark >= 5, "label of cell " + i + " drawn: " + dark);
            assertTrue(white > 500, "label strip background of cell " + i);
        }
    }

    @Test
    void cifarGridIsInColour() throws Exception {
        Path data = dir.resolve("cifar");
        List<String> names = CifarFormatFiles.writeCifar10(data, 4, 4, 1);
        Path png = dir.resolve("cifar.png");
        Cli.Outcome o =
                Cli.run(
                        "preview",
                        "--dataset",
                        "cifar10",
                        "--data-dir",
                        data.toString(),
                        "--no-check-record-counts",
                        "--rows",
                        "2",
                        "--cols",
                        "3",
                        "--out",
                        png.toString());
        assertEquals(0, o.exit(), o.toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(3 * (96 + 2 * SampleGrid.PADDING), image.getWidth());
        assertEquals(
                2 * (96 + SampleGrid.LABEL_HEIGHT + 2 * SampleGrid.PADDING), image.getHeight());
        int coloured = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
            }
        }
        assertTrue(coloured > 1000, "colour pixels: " + coloured);
        assertEquals(10, names.size());
        Cli.Outcome strict =
                Cli.run(
                        "preview",
                        "--dataset",
                        "cifar10",
                        "--data-dir",
                        data.toString(),
                        "--out",
                        png.toString());
        assertEquals(1, strict.exit(), strict.toString());
        assertTrue(strict.err().contains("data_batch_1.bin: TOO_LITTLE_DATA"), strict.err());
        assertTrue(strict.err().contains("--no-check-record-counts"), strict.err());
    }

    @Test
    void missingFilesAndBadFlagsAreReported() {
        Path png = dir.resolve("none.png");
        Cli.Outcome missing;
        // Offline: the dataset lists the files it lacks instead of downloading them.
        System.setProperty("ai.djl.offline", "true");
        try {
            Assumptions.assumeTrue(Utils.isOfflineMode(), "DJL_OFFLINE in the environment wins");
            missing =
                    Cli.run(
                            "preview",
                            "--dataset",
                            "emnist",
                            "--data-dir",
                            dir.resolve("empty").toString(),
                            "--out",
                            png.toString());
        } finally {
            System.clearProperty("ai.djl.offline");
        }
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(
                missing.err().contains("emnist-balanced-train-images-idx3-ubyte"), missing.err());
        Cli.Outcome rows =
                Cli.run("preview", "--dataset", "emnist", "--rows", "0", "--out", png.toString());
        assertEquals(2, rows.exit(), rows.toString());
        assertTrue(rows.err().contains("--rows"), rows.err());
    }
}
