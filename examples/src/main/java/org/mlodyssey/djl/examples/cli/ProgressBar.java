/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import ai.djl.training.Trainer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.examples.RunListener;

/**
 * Prints one progress bar per epoch of a training run, updated about 20 times an epoch, and the
 * epoch's figures at its end; {@code odyssey train} and {@code odyssey demo} print it on the
 * standard error stream.
 */
final class ProgressBar implements RunListener {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private int epochs;
    private int batches;
    private int every = 1;

    /**
     * Creates a progress bar.
     *
     * @param out where it is drawn
     */
    ProgressBar(PrintWriter out) {
        this.out = out;
    }

    /** {@inheritDoc} */
    @Override
    public void beforeRun(int epochs, int batchesPerEpoch) {
        this.epochs = epochs;
        this.batches = batchesPerEpoch;
        this.every = Math.max(1, batchesPerEpoch / 20);
    }

    /** {@inheritDoc} */
    @Override
    public void afterStep(Trainer trainer, TrainingProgress p) {
        if (p.batchInEpoch() % every == 0 || p.batchInEpoch() == batches) {
            float loss = trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
            draw(p.epoch(), p.batchInEpoch(), String.format(Locale.ROOT, "loss %.4f", loss));
        }
    }

    /** {@inheritDoc} */
    @Override
    public void afterEpoch(Trainer trainer, TrainingProgress p) {
        Map<String, Float> m = p.epochMetrics().get(p.epochMetrics().size() - 1);
        draw(
                p.epoch() - 1,
                batches,
                String.format(
                        Locale.ROOT,
                        "train_loss %.4f, validate_loss %.4f, validate_accuracy %.4f",
                        m.getOrDefault("train_loss", Float.NaN),
                        m.getOrDefault("validate_loss", Float.NaN),
                        m.getOrDefault("validate_Accuracy", Float.NaN)));
        out.println();
        out.flush();
    }

    /** {@inheritDoc} */
    @Override
    public void afterRun(TrainingProgress end) {
        if (end.batchInEpoch() != 0) {
            out.println(" (stopped at step " + end.globalStep() + ")");
            out.flush();
        }
    }

    private void draw(int epoch, int done, String text) {
        int filled = batches == 0 ? WIDTH : (int) ((long) WIDTH * done / batches);
        out.print(
                String.format(
                        Locale.ROOT,
                        "\repoch %d/%d [%s%s] %d/%d %s",
                        epoch + 1,
                        epochs,
                        "=".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        done,
                        batches,
                        text));
        out.flush();
    }
}
