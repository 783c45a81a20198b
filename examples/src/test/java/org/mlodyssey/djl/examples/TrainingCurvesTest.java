/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.basicdataset.cv.classification.Mnist;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.ResumableTraining;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.datasets.Emnist;

/**
 * {@code odyssey plot} on the checkpoints of a library program ({@link ResumableTraining#fit} with
 * a {@link CheckpointListener}), which records no {@code odyssey.*} metadata.
 */
class TrainingCurvesTest {

    private static final int BATCH = 16;

    /** Trains a softmax classifier for {@code epochs} epochs, resuming from {@code checkpoints}. */
    private static void train(Path data, Path checkpoints, int epochs)
            throws IOException, TranslateException {
        train(data, CheckpointListener.builder().setDirectory(checkpoints), epochs);
    }

    /**
     * Trains a softmax classifier for {@code epochs} epochs, checkpointing every 4 steps where a
     * listener builder says (a directory or a bucket), resuming from there.
     */
    static void train(Path data, CheckpointListener.Builder where, int epochs)
            throws IOException, TranslateException {
        Emnist train = emnist(data, Dataset.Usage.TRAIN);
        Emnist test = emnist(data, Dataset.Usage.TEST);
        CheckpointListener listener = where.optEverySteps(4).optSeed(7).build();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .addEvaluator(new Accuracy())
                        .addTrainingListeners(new EvaluatorTrainingListener(), listener);
        try (listener;
                Model model = Model.newInstance("curves")) {
            model.setBlock(
                    new SequentialBlock()
                            .add(Blocks.batchFlattenBlock())
                            .add(Linear.builder().setUnits(47).build()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, Mnist.IMAGE_HEIGHT, Mnist.IMAGE_WIDTH));
                ResumableTraining.fit(trainer, epochs, train, test);
            }
        }
    }

    private static Emnist emnist(Path data, Dataset.Usage usage) {
        return Emnist.builder()
                .optSplit(Emnist.Split.BALANCED)
                .optDataDir(data)
                .optUsage(usage)
                .setSampling(BATCH, usage == Dataset.Usage.TRAIN)
                .build();
    }

    @Test
    void plotsTheCheckpointsOfALibraryProgram(@TempDir Path tmp) throws Exception {
        DemoEmnistFiles.Written data = DemoEmnistFiles.write(tmp.resolve("data"), 2, 1, 11);
        Path run = tmp.resolve("run");
        train(data.directory(), run, 2);
        train(data.directory(), run, 3); // resumes at the end of epoch 2
        TrainingCheckpoint newest =
                CheckpointDirectories.findLatestValid(run, e -> {}).orElseThrow();
        assertFalse(
                newest.getManifest().metadata().containsKey(TrainClassifier.META_BATCHES_PER_EPOCH),
                "no CLI metadata");
        long batchesPerEpoch = (data.trainImages() + BATCH - 1) / BATCH;

        Path png = tmp.resolve("curves.png");
        Cli.Outcome cli =
                Cli.run("plot", "--checkpoint-dir", run.toString(), "--out", png.toString());
        assertEquals(0, cli.exit(), cli.toString());
        TrainingCurves.Result r = TrainingCurves.run(run, png);

        assertEquals(3, r.epochs());
        assertEquals(batchesPerEpoch, r.batchesPerEpoch(), "inferred from the checkpoints");
        assertEquals(List.of(2 * r.batchesPerEpoch()), r.resumeSteps());
        assertEquals(1, r.resumeColumns().size(), "the resume point is drawn");
        assertFalse(r.checkpointSteps().isEmpty());
        assertEquals(r.checkpointSteps().size(), r.checkpointColumns().size(), "all marked");
        assertEquals(List.of(0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0), r.epochTicks().values());

        BufferedImage image = ImageIO.read(png.toFile());
        TrainingCurves.Area loss = r.lossArea();
        int resumeX = r.resumeColumns().get(0);
        assertEquals(loss.x() + loss.width() * 2 / 3, resumeX, 1, "at epoch 2 of 3");
        int red = TrainCommandTest.column(image, resumeX, loss, TrainingCurves.RESUME_COLOR);
        assertTrue(red > loss.height() / 3, "a dashed red line: " + red);
        for (TrainingCurves.Area a : List.of(loss, r.accuracyArea())) {
            assertTrue(
                    TrainCommandTest.count(image, a, TrainingCurves.TRAIN_COLOR.getRGB()) > 20,
                    "train curve");
            assertTrue(
                    TrainCommandTest.count(image, a, TrainingCurves.VALIDATE_COLOR.getRGB()) > 20,
                    "validate curve");
        }
    }
}
