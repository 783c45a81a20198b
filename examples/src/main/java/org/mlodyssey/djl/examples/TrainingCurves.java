/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoints;

/**
 * Plots a training run's loss and accuracy per epoch from the metric history of the newest valid
 * checkpoint of a directory ({@code trainer-state.json}), with every checkpoint of the directory
 * marked by a grey triangle under the axis and every resume point ({@value
 * CheckpointListener#META_RESUMED_AT} in the manifest, written by every {@link CheckpointListener})
 * by a red vertical line; the engine of {@code odyssey plot}. Works on the checkpoints of any
 * program that saves with a {@link CheckpointListener}, not only on those of {@code odyssey train}.
 *
 * <p>The x axis is in epochs: the value of epoch {@code e} (0-based) is drawn at {@code e + 1},
 * where it was measured, and a checkpoint or resume at global step {@code s} at {@code s / batches
 * per epoch}. The batches per epoch are {@value TrainClassifier#META_BATCHES_PER_EPOCH} in the
 * manifest where {@code odyssey train} wrote it, else the newest checkpoint's position: at epoch
 * {@code e > 0}, batch {@code b}, global step {@code s}, they are {@code (s - b) / e}. Before the
 * first epoch ends they are unknown and no marker is drawn. Both axes have round ticks ({@link
 * AxisTicks}).
 */
public final class TrainingCurves {

    /** The training curves' colour. */
    public static final Color TRAIN_COLOR = new Color(0x1f, 0x77, 0xb4);

    /** The validation curves' colour. */
    public static final Color VALIDATE_COLOR = new Color(0xff, 0x7f, 0x0e);

    /** The resume lines' colour. */
    public static final Color RESUME_COLOR = new Color(0xd6, 0x27, 0x28);

    /** The checkpoint markers' colour. */
    public static final Color CHECKPOINT_COLOR = new Color(0x60, 0x60, 0x60);

    private static final int PANEL_WIDTH = 440;
    private static final int PANEL_HEIGHT = 300;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;

    private static final AxisTicks ACCURACY_TICKS = AxisTicks.of(1, 5);

    private TrainingCurves() {}

    /**
     * A plot area in image coordinates.
     *
     * @param x its left edge
     * @param y its top edge
     * @param width its width
     * @param height its height
     */
    public record Area(int x, int y, int width, int height) {}

    /**
     * What was plotted.
     *
     * @param file the PNG file
     * @param width the image width
     * @param height the image height
     * @param epochs the epochs with metrics
     * @param lossArea the loss panel's plot area
     * @param accuracyArea the accuracy panel's plot area
     * @param checkpointSteps the global steps of the checkpoints marked
     * @param resumeSteps the global steps of the resume points marked
     * @param resumeColumns the image columns of the resume lines in the loss panel
     * @param checkpointColumns the image columns of the checkpoint markers in the loss panel
     * @param batchesPerEpoch the batches per epoch the markers were placed with, 0 if unknown
     * @param epochTicks the x axis' ticks, in epochs
     * @param lossTicks the loss axis' ticks
     */
    public record Result(
            Path file,
            int width,
            int height,
            int epochs,
            Area lossArea,
            Area accuracyArea,
            List<Long> checkpointSteps,
            List<Long> resumeSteps,
            List<Integer> resumeColumns,
            List<Integer> checkpointColumns,
            long batchesPerEpoch,
            AxisTicks epochTicks,
            AxisTicks lossTicks) {}

    /**
     * Writes the plot.
     *
     * @param checkpointDir the directory of checkpoints
     * @param out the PNG file
     * @return what was plotted
     * @throws IOException if the directory holds no valid checkpoint, or the PNG cannot be written
     */
    public static Result run(Path checkpointDir, Path out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        TrainingCheckpoint newest =
                TrainingCheckpoints.findLatestValid(checkpointDir, e -> {})
                        .orElseThrow(
                                () ->
                                        new IOException(
                                                "No valid training checkpoint in "
                                                        + checkpointDir));
        List<Map<String, Float>> history = newest.getProgress().epochMetrics();
        Map<String, String> meta = newest.getManifest().metadata();
        long batchesPerEpoch = batchesPerEpoch(newest.getManifest());
        List<Long> resumes = new ArrayList<>();
        String resumedAt = meta.getOrDefault(CheckpointListener.META_RESUMED_AT, "");
        for (String s : resumedAt.split(",")) {
            long step = parseSteps(s);
            if (step >= 0) {
                resumes.add(step);
            }
        }
        List<Long> checkpoints = checkpointSteps(checkpointDir);

        double maxX = Math.max(1, history.size());
        if (batchesPerEpoch > 0) {
            for (long s : checkpoints) {
                maxX = Math.max(maxX, (double) s / batchesPerEpoch);
            }
        }
        AxisTicks epochTicks = AxisTicks.of(maxX, 10);
        maxX = epochTicks.end();

        int width = 2 * PANEL_WIDTH;
        int height = PANEL_HEIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Area loss = new Area(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, PANEL_HEIGHT - TOP - BOTTOM);
        Area accuracy =
                new Area(
                        PANEL_WIDTH + LEFT,
                        TOP,
                        PANEL_WIDTH - LEFT - RIGHT,
                        PANEL_HEIGHT - TOP - BOTTOM);
        List<Integer> resumeColumns = new ArrayList<>();
        List<Integer> checkpointColumns = new ArrayList<>();
        AxisTicks lossTicks;
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float maxLoss = 0;
            for (Map<String, Float> m : history) {
                for (String key : List.of("train_loss", "validate_loss")) {
                    Float v = m.get(key);
                    if (v != null && Float.isFinite(v)) {
                        maxLoss = Math.max(maxLoss, v);
                    }
                }
            }
            lossTicks = AxisTicks.of(maxLoss * 1.05, 5);
            for (int panel = 0; panel < 2; panel++) {
                Area a = panel == 0 ? loss : accuracy;
                AxisTicks yTicks = panel == 0 ? lossTicks : ACCURACY_TICKS;
                double yMax = yTicks.end();
                String metric = panel == 0 ? "loss" : "Accuracy";
                axes(g, a, epochTicks, yTicks, panel == 0 ? "LOSS" : "ACCURACY");
                curve(g, a, maxX, yMax, history, "train_" + metric, TRAIN_COLOR);
                curve(g, a, maxX, yMax, history, "validate_" + metric, VALIDATE_COLOR);
                if (batchesPerEpoch > 0) {
                    for (long s : resumes) {
                        int x = column(a, (double) s / batchesPerEpoch, maxX);
                        g.setColor(RESUME_COLOR);
                        g.setStroke(
                                new BasicStroke(
                                        2,
                                        BasicStroke.CAP_BUTT,
                                        BasicStroke.JOIN_MITER,
                                        10,
                                        new float[] {6, 4},
                                        0));
                        g.drawLine(x, a.y(), x, a.y() + a.height());
                        if (panel == 0) {
                            resumeColumns.add(x);
                        }
                    }
                    for (long s : checkpoints) {
                        int x = column(a, (double) s / batchesPerEpoch, maxX);
                        int y = a.y() + a.height() + 3;
                        g.setColor(CHECKPOINT_COLOR);
                        g.fillPolygon(
                                new Polygon(
                                        new int[] {x, x - 4, x + 4},
                                        new int[] {y, y + 7, y + 7},
                                        3));
                        if (panel == 0) {
                            checkpointColumns.add(x);
                        }
                    }
                }
            }
            legend(g, width);
        } finally {
            g.dispose();
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", out.toFile())) {
            throw new IOException("No PNG writer for " + out);
        }
        return new Result(
                out,
                width,
                height,
                history.size(),
                loss,
                accuracy,
                checkpoints,
                resumes,
                resumeColumns,
                checkpointColumns,
                batchesPerEpoch,
                epochTicks,
                lossTicks);
    }

    /**
     * The batches per epoch of a run: the CLI's metadata where it is a positive number, else from
     * the position of a checkpoint past the first epoch, else 0 (unknown).
     */
    static long batchesPerEpoch(TrainingCheckpointManifest manifest) {
        long recorded = parseSteps(manifest.metadata().get(TrainClassifier.META_BATCHES_PER_EPOCH));
        if (recorded > 0) {
            return recorded;
        }
        if (manifest.epoch() > 0 && manifest.globalStep() >= manifest.batchInEpoch()) {
            return (manifest.globalStep() - manifest.batchInEpoch()) / manifest.epoch();
        }
        return 0;
    }

    /** A non-negative step count written in metadata, or -1 where it is absent or not one. */
    private static long parseSteps(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The global steps of the committed checkpoints of a directory (a checkpoint's name and a
     * well-formed manifest; the tensor files are not read), in order.
     */
    private static List<Long> checkpointSteps(Path root) throws IOException {
        List<Long> steps = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                if (!TrainingCheckpoints.isCheckpointName(dir.getFileName().toString())) {
                    continue;
                }
                try {
                    steps.add(TrainingCheckpoint.readManifest(dir).globalStep());
                } catch (InvalidTrainingCheckpointException e) {
                    // No manifest, or one that is malformed: not marked.
                }
            }
        }
        steps.sort(null);
        return steps;
    }

    private static int column(Area a, double x, double maxX) {
        return a.x() + (int) Math.round(a.width() * x / maxX);
    }

    private static int row(Area a, double y, double yMax) {
        return a.y() + a.height() - (int) Math.round(a.height() * y / yMax);
    }

    private static void axes(
            Graphics2D g, Area a, AxisTicks xTicks, AxisTicks yTicks, String title) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(a.x(), a.y(), a.width(), a.height());
        StrokeFont.drawCentered(g, title, a.x() + a.width() / 2.0, a.y() - 14, 11, Color.BLACK);
        for (double e : xTicks.values()) {
            int x = column(a, e, xTicks.end());
            g.setColor(Color.BLACK);
            g.drawLine(x, a.y() + a.height(), x, a.y() + a.height() + 3);
            StrokeFont.drawCentered(g, xTicks.label(e), x, a.y() + a.height() + 20, 8, Color.BLACK);
        }
        StrokeFont.drawCentered(
                g, "EPOCH", a.x() + a.width() / 2.0, a.y() + a.height() + 38, 8, Color.BLACK);
        List<Double> ys = yTicks.values();
        for (int i = 0; i < ys.size(); i++) {
            double v = ys.get(i);
            int y = row(a, v, yTicks.end());
            g.setColor(new Color(0xe0, 0xe0, 0xe0));
            if (i > 0 && i < ys.size() - 1) {
                g.drawLine(a.x() + 1, y, a.x() + a.width() - 1, y);
            }
            g.setColor(Color.BLACK);
            g.drawLine(a.x() - 3, y, a.x(), y);
            String label = yTicks.label(v);
            StrokeFont.draw(g, label, a.x() - 6 - StrokeFont.width(label, 8), y - 4, 8);
        }
    }

    private static void curve(
            Graphics2D g,
            Area a,
            double maxX,
            double yMax,
            List<Map<String, Float>> history,
            String key,
            Color color) {
        Path2D.Double path = new Path2D.Double();
        boolean started = false;
        g.setColor(color);
        g.setStroke(new BasicStroke(2));
        for (int e = 0; e < history.size(); e++) {
            Float v = history.get(e).get(key);
            if (v == null || !Float.isFinite(v)) {
                continue;
            }
            int x = column(a, e + 1, maxX);
            int y = row(a, Math.min(v, yMax), yMax);
            if (started) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                started = true;
            }
            g.fillOval(x - 3, y - 3, 7, 7);
        }
        g.draw(path);
    }

    private static void legend(Graphics2D g, int width) {
        String[] names = {"TRAIN", "VALIDATE", "RESUME", "CHECKPOINT"};
        Color[] colors = {TRAIN_COLOR, VALIDATE_COLOR, RESUME_COLOR, CHECKPOINT_COLOR};
        double x = width / 2.0 - 220;
        int y = 10;
        for (int i = 0; i < names.length; i++) {
            g.setColor(colors[i]);
            g.fillRect((int) x, y - 4, 14, 6);
            g.setColor(Color.BLACK);
            StrokeFont.draw(g, names[i], x + 18, y - 5, 8);
            x += 40 + StrokeFont.width(names[i], 8);
        }
    }
}
