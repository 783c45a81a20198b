/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;

/**
 * Plots a training run's loss and accuracy per epoch from the metric history of the newest valid
 * checkpoint of a directory ({@code trainer-state.json}), with every checkpoint of the directory
 * marked by a grey triangle on the x axis and every resume point ({@value
 * CheckpointListener#META_RESUMED_AT} in the manifest, written by every {@link CheckpointListener})
 * by a red vertical line; the engine of {@code odyssey plot}. Works on the checkpoints of any
 * program that saves with a {@link CheckpointListener}, not only on those of {@code odyssey train}.
 *
 * <p>The x axis is in epochs: the value of epoch {@code e} (0-based) is drawn at {@code e + 1},
 * where it was measured, and a checkpoint or resume at global step {@code s} at {@code s / batches
 * per epoch}. The batches per epoch are {@value TrainClassifier#META_BATCHES_PER_EPOCH} in the
 * manifest where {@code odyssey train} wrote it, else the newest checkpoint's position: at epoch
 * {@code e > 0}, batch {@code b}, global step {@code s}, they are {@code (s - b) / e}. Before the
 * first epoch ends they are unknown and no marker is drawn. Every axis starts at 0 and ends at a
 * round tick ({@link AxisTicks}). The two panels are XChart charts.
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
     * @param resumeColumns the image columns of the resume lines in the loss panel (to a pixel: the
     *     chart library rounds its own way)
     * @param checkpointColumns the image columns of the checkpoint markers in the loss panel (to a
     *     pixel)
     * @param batchesPerEpoch the batches per epoch the markers were placed with, 0 if unknown
     * @param epochTicks the x axis' round ticks, in epochs; the axis ends at the last
     * @param lossTicks the loss axis' round ticks; the axis ends at the last
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
     * @param checkpointDir the directory of checkpoints, or {@code s3://bucket/prefix} (as the
     *     command line folds it into a path: {@link CheckpointLocations})
     * @param out the PNG file
     * @return what was plotted
     * @throws IOException if the directory holds no valid checkpoint, or the PNG cannot be written
     */
    public static Result run(Path checkpointDir, Path out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        TrainingCheckpoint newest;
        List<Long> checkpoints = new ArrayList<>();
        try (CheckpointDirectory directory = CheckpointLocations.open(checkpointDir)) {
            newest =
                    directory
                            .findLatestValid(e -> {})
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "No valid training checkpoint in "
                                                            + CheckpointLocations.of(
                                                                    checkpointDir)));
            for (CheckpointDirectory.Listed listed : directory.list()) {
                checkpoints.add(listed.manifest().globalStep());
            }
        }
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
        List<Double> resumeEpochs = new ArrayList<>();
        List<Double> checkpointEpochs = new ArrayList<>();
        if (batchesPerEpoch > 0) {
            resumes.forEach(s -> resumeEpochs.add((double) s / batchesPerEpoch));
            checkpoints.forEach(s -> checkpointEpochs.add((double) s / batchesPerEpoch));
        }

        double maxX = Math.max(1, history.size());
        for (double e : checkpointEpochs) {
            maxX = Math.max(maxX, e);
        }
        AxisTicks epochTicks = AxisTicks.of(maxX, 10);
        float maxLoss = 0;
        for (Map<String, Float> m : history) {
            for (String key : List.of("train_loss", "validate_loss")) {
                Float v = m.get(key);
                if (v != null && Float.isFinite(v)) {
                    maxLoss = Math.max(maxLoss, v);
                }
            }
        }
        AxisTicks lossTicks = AxisTicks.of(maxLoss * 1.05, 5);

        List<XYChart> panels = new ArrayList<>();
        for (String metric : List.of("loss", "Accuracy")) {
            AxisTicks yTicks = metric.equals("loss") ? lossTicks : ACCURACY_TICKS;
            XYChart chart = panel(metric.equals("loss") ? "Loss" : "Accuracy", epochTicks, yTicks);
            curve(chart, history, "train_" + metric, "train", TRAIN_COLOR);
            curve(chart, history, "validate_" + metric, "validate", VALIDATE_COLOR);
            marks(chart, resumeEpochs, checkpointEpochs, yTicks.end());
            panels.add(chart);
        }

        int width = 2 * PANEL_WIDTH;
        int height = PANEL_HEIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 0, PANEL_WIDTH, height);
                try {
                    panels.get(i).paint(panel, PANEL_WIDTH, height);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        PngFile.write(image, out);
        XYChart lossChart = panels.get(0);
        return new Result(
                out,
                width,
                height,
                history.size(),
                area(lossChart, 0, epochTicks, lossTicks),
                area(panels.get(1), PANEL_WIDTH, epochTicks, ACCURACY_TICKS),
                checkpoints,
                resumes,
                columns(lossChart, resumeEpochs),
                columns(lossChart, checkpointEpochs),
                batchesPerEpoch,
                epochTicks,
                lossTicks);
    }

    /** An empty panel: white, axes from 0 to the last round tick, the legend below. */
    private static XYChart panel(String title, AxisTicks xTicks, AxisTicks yTicks) {
        XYChart chart =
                new XYChartBuilder()
                        .width(PANEL_WIDTH)
                        .height(PANEL_HEIGHT)
                        .title(title)
                        .xAxisTitle("Epoch")
                        .build();
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setXAxisMin(0.0);
        styler.setXAxisMax(xTicks.end());
        styler.setYAxisMin(0.0);
        styler.setYAxisMax(yTicks.end());
        return chart;
    }

    /** A metric's curve over the epochs that have a finite value of it, if any. */
    private static void curve(
            XYChart chart, List<Map<String, Float>> history, String key, String name, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int e = 0; e < history.size(); e++) {
            Float v = history.get(e).get(key);
            if (v != null && Float.isFinite(v)) {
                xs.add(e + 1.0);
                ys.add((double) v);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineWidth(2f);
    }

    /** A dashed red line at each resume point and a grey triangle at each checkpoint. */
    private static void marks(
            XYChart chart, List<Double> resumes, List<Double> checkpoints, double yMax) {
        for (int i = 0; i < resumes.size(); i++) {
            double x = resumes.get(i);
            XYSeries line = chart.addSeries("resume " + (i + 1), List.of(x, x), List.of(0.0, yMax));
            line.setLineColor(RESUME_COLOR);
            line.setLineStyle(
                    new BasicStroke(
                            2,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10,
                            new float[] {6, 4},
                            0));
            line.setMarker(SeriesMarkers.NONE);
            line.setShowInLegend(i == 0);
            if (i == 0) {
                line.setLabel("resume");
            }
        }
        if (!checkpoints.isEmpty()) {
            List<Double> zeros = new ArrayList<>();
            checkpoints.forEach(c -> zeros.add(0.0));
            XYSeries marks = chart.addSeries("checkpoint", checkpoints, zeros);
            marks.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            marks.setMarker(SeriesMarkers.TRIANGLE_UP);
            marks.setMarkerColor(CHECKPOINT_COLOR);
        }
    }

    /** A panel's plot area in image coordinates, once painted. */
    private static Area area(XYChart chart, int left, AxisTicks xTicks, AxisTicks yTicks) {
        int x0 = (int) Math.round(chart.getScreenXFromChart(0));
        int x1 = (int) Math.round(chart.getScreenXFromChart(xTicks.end()));
        int y0 = (int) Math.round(chart.getScreenYFromChart(yTicks.end()));
        int y1 = (int) Math.round(chart.getScreenYFromChart(0));
        return new Area(left + x0, y0, x1 - x0, y1 - y0);
    }

    /** The image columns of positions on a painted panel's x axis (the first panel's). */
    private static List<Integer> columns(XYChart chart, List<Double> epochs) {
        List<Integer> columns = new ArrayList<>();
        epochs.forEach(e -> columns.add((int) Math.round(chart.getScreenXFromChart(e))));
        return columns;
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
}
