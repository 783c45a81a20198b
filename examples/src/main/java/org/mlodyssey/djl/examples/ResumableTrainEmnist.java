/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.ResumableTraining;
import org.mlodyssey.djl.datasets.Emnist;

/**
 * The README's first program: a standard DJL training program that checkpoints itself and, run
 * again after a crash, continues exactly where it stopped ({@link ResumableTraining#fit}).
 */
public final class ResumableTrainEmnist {

    private ResumableTrainEmnist() {}

    /**
     * Trains a softmax classifier on EMNIST balanced for 5 epochs, with checkpoints in {@code
     * args[0]} (default {@code runs/emnist}); the dataset lives in DJL's cache, downloaded when
     * missing.
     *
     * @param args the checkpoint directory, optional
     * @throws IOException if data or checkpoints cannot be read or written
     * @throws TranslateException if a batch cannot be processed
     */
    public static void main(String[] args) throws IOException, TranslateException {
        runExample(args);
    }

    /**
     * Runs the example.
     *
     * @param args the checkpoint directory, optional
     * @throws IOException if data or checkpoints cannot be read or written
     * @throws TranslateException if a batch cannot be processed
     */
    public static void runExample(String... args) throws IOException, TranslateException {
        Path dir = Path.of(args.length > 0 ? args[0] : "runs/emnist");
        Block block =
                new SequentialBlock()
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(47).build());
        // The README's first sample, from here:
        Emnist train = Emnist.builder().optUsage(Usage.TRAIN).setSampling(128, true).build();
        Emnist test = Emnist.builder().optUsage(Usage.TEST).setSampling(128, false).build();
        CheckpointListener checkpoints =
                CheckpointListener.builder().setDirectory(dir).optEverySteps(500).build();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .addEvaluator(new Accuracy())
                        .addTrainingListeners(TrainingListener.Defaults.logging())
                        .addTrainingListeners(checkpoints);
        try (checkpoints;
                Model model = Model.newInstance("emnist")) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                ResumableTraining.fit(trainer, 5, train, test); // continues a run that was cut
            }
        }
        // to here.
    }
}
