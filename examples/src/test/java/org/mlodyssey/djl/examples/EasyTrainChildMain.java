/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.ResumableTraining;
import org.mlodyssey.djl.datasets.Cifar10;
import org.mlodyssey.djl.datasets.Emnist;

/**
 * The standard DJL training program with the checkpoint listener and the one call, for {@link
 * EasyTrainKillAndResumeIT}: {@code lenet DATA CHECKPOINTS EPOCHS EVERY_STEPS [PACE_MS]} (LeNet
 * with dropout on EMNIST files) or {@code resnet20 ...} (ResNet-20 on augmented CIFAR-10 files).
 * Prints {@code BATCH n} at each training batch and {@code DONE} at the end.
 */
public final class EasyTrainChildMain {

    private EasyTrainChildMain() {}

    /**
     * Trains, resuming from the newest valid checkpoint.
     *
     * @param args model, data directory, checkpoint directory, epochs, save period in steps
     * @throws Exception if training fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        boolean lenet = args[0].equals("lenet");
        Path data = Path.of(args[1]);
        Path checkpoints = Path.of(args[2]);
        int epochs = Integer.parseInt(args[3]);
        long paceMillis = args.length > 5 ? Long.parseLong(args[5]) : 0;
        RandomAccessDataset train = dataset(lenet, data, Dataset.Usage.TRAIN);
        RandomAccessDataset test = dataset(lenet, data, Dataset.Usage.TEST);

        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(checkpoints)
                        .optEverySteps(Long.parseLong(args[4]))
                        .optSeed(2026)
                        .build();
        TrainingListenerAdapter batches =
                new TrainingListenerAdapter() {
                    private int n;

                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        out.println("BATCH " + ++n);
                        try {
                            Thread.sleep(paceMillis); // lets the writes of a run to be killed end
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                };
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(
                                Optimizer.adam()
                                        .optLearningRateTracker(Tracker.fixed(0.002f))
                                        .build())
                        .addEvaluator(new Accuracy())
                        .addTrainingListeners(new EvaluatorTrainingListener(), listener, batches);
        try (Model model = Model.newInstance(args[0])) {
            model.setBlock(
                    lenet
                            ? ModelKind.lenet(28, Emnist.Split.BALANCED.getNumClasses(), 0.5f)
                            : resnet());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(lenet ? new Shape(1, 1, 28, 28) : new Shape(1, 3, 32, 32));
                ResumableTraining.fit(trainer, epochs, train, test);
                out.println(
                        "RESUMED_FROM "
                                + listener.getResumedFrom().map(Path::toString).orElse("-"));
            }
        }
        listener.close();
        out.println("DONE");
    }

    private static RandomAccessDataset dataset(boolean lenet, Path data, Dataset.Usage usage) {
        boolean train = usage == Dataset.Usage.TRAIN;
        if (lenet) {
            return Emnist.builder()
                    .optSplit(Emnist.Split.BALANCED)
                    .optDataDir(data)
                    .optUsage(usage)
                    .setSampling(16, train)
                    .build();
        }
        return Cifar10.builder()
                .optDataDir(data)
                .optCheckRecordCounts(false)
                .optAugmentation(train)
                .optUsage(usage)
                .setSampling(16, train)
                .build();
    }

    private static Block resnet() {
        return ModelKind.RESNET20.build(3, 32, Cifar10.NUM_CLASSES);
    }
}
