/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.TranslateException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.datasets.CompactImageDataset;

/**
 * Draws the first images of a dataset's training set as a labelled grid PNG, upright and unscaled
 * in value as the model receives them (before standardisation: {@code x / 255}), each enlarged by
 * an integer factor with its class name below it in {@link StrokeFont}; the engine of {@code
 * odyssey preview}.
 */
public final class SampleGrid {

    /** Height of the label strip below each image, in pixels. */
    public static final int LABEL_HEIGHT = 16;

    /** Space around each cell, in pixels. */
    public static final int PADDING = 4;

    private SampleGrid() {}

    /**
     * The grid written.
     *
     * @param file the PNG file
     * @param width the image width
     * @param height the image height
     * @param rows the grid's rows
     * @param cols the grid's columns
     * @param cellWidth a cell's width, padding included
     * @param cellHeight a cell's height, label and padding included
     * @param imageSize the enlarged image's side inside a cell
     * @param labels the class name drawn in each cell, row by row
     */
    public record Result(
            Path file,
            int width,
            int height,
            int rows,
            int cols,
            int cellWidth,
            int cellHeight,
            int imageSize,
            List<String> labels) {}

    /**
     * Writes the grid.
     *
     * @param dataset the dataset
     * @param split its split, checked by {@link DatasetKind#checkSplit}
     * @param dataDir the data directory, or null for the default
     * @param rows the rows of the grid
     * @param cols the columns of the grid
     * @param scale the enlargement factor
     * @param checkRecordCounts CIFAR: whether batch files must hold the official number of records
     * @param out the PNG file
     * @return what was drawn
     * @throws IOException if the data cannot be read or the PNG written
     * @throws TranslateException if the dataset cannot be prepared
     */
    public static Result run(
            DatasetKind dataset,
            String split,
            Path dataDir,
            int rows,
            int cols,
            int scale,
            boolean checkRecordCounts,
            Path out)
            throws IOException, TranslateException {
        System.setProperty("java.awt.headless", "true");
        int count = rows * cols;
        CompactImageDataset data =
                dataset.build(
                        split,
                        Dataset.Usage.TRAIN,
                        dataDir,
                        1,
                        false,
                        false,
                        count,
                        checkRecordCounts);
        data.prepare();
        int n = (int) Math.min(count, data.size());
        int imageSize = dataset.imageSize() * scale;
        int cellWidth = imageSize + 2 * PADDING;
        int cellHeight = imageSize + LABEL_HEIGHT + 2 * PADDING;
        int width = cols * cellWidth;
        int height = rows * cellHeight;
        BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        List<String> labels = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            List<String> names = data.getClassNames();
            for (int i = 0; i < n; i++) {
                int x0 = (i % cols) * cellWidth + PADDING;
                int y0 = (i / cols) * cellHeight + PADDING;
                float[] pixels;
                int channels;
                try (NDManager one = manager.newSubManager()) {
                    Record record = data.get(one, i);
                    NDArray image = record.getData().singletonOrThrow();
                    pixels = image.toFloatArray();
                    channels = (int) image.getShape().get(0);
                }
                int side = dataset.imageSize();
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int rgb = 0;
                        for (int c = 0; c < 3; c++) {
                            float v = pixels[(Math.min(c, channels - 1) * side + y) * side + x];
                            int byteValue = Math.max(0, Math.min(255, Math.round(v * 255)));
                            rgb = (rgb << 8) | byteValue;
                        }
                        g.setColor(new Color(rgb));
                        g.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
                    }
                }
                String name = names.get(data.getLabel(i));
                labels.add(name);
                int maxChars = Math.max(1, (int) (imageSize / StrokeFont.width("M", 9)));
                String shown = name.length() > maxChars ? name.substring(0, maxChars) : name;
                StrokeFont.drawCentered(
                        g,
                        shown,
                        x0 + imageSize / 2.0,
                        y0 + imageSize + LABEL_HEIGHT / 2.0,
                        9,
                        Color.BLACK);
            }
        } finally {
            g.dispose();
        }
        PngFile.write(grid, out);
        return new Result(out, width, height, rows, cols, cellWidth, cellHeight, imageSize, labels);
    }
}
