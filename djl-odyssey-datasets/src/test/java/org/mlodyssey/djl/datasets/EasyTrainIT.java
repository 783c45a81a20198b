/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datasets plug into a real {@link EasyTrain#fit} on the PyTorch engine. */
class EasyTrainIT {

    @TempDir Path dir;

    private static int fit(
            CompactImageDataset train,
            CompactImageDataset validation,
            Shape inputShape,
            int numClasses,
            ExecutorService executor)
            throws Exception {
        AtomicInteger trainingBatches = new AtomicInteger();
        SequentialBlock block = new SequentialBlock();
        // A hidden layer: with one linear layer the signed sum of all gradients of a softmax
        // cross-entropy is exactly zero in theory, which DJL's first-step gradient check may
        // then reject as "all zeros".
        Engine.getInstance().setRandomSeed(1234);
        block.add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(16).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(numClasses).build());
        try (Model model = Model.newInstance("tiny")) {
            model.setBlock(block);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .addEvaluator(new Accuracy())
                            .addTrainingListeners(TrainingListener.Defaults.basic())
                            .addTrainingListeners(
                                    new TrainingListenerAdapter() {
                                        @Override
                                        public void onTrainingBatch(
                                                Trainer trainer, BatchData batchData) {
                                            trainingBatches.incrementAndGet();
                                        }
                                    });
            if (executor != null) {
                config.optExecutorService(executor);
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.setMetrics(new Metrics());
                trainer.initialize(inputShape);
                EasyTrain.fit(trainer, 1, train, validation);
                TrainingResult result = trainer.getTrainingResult();
                float loss = result.getTrainLoss();
                assertTrue(Float.isFinite(loss) && loss > 0, "train loss " + loss);
                assertTrue(Float.isFinite(result.getValidateLoss()));
                assertTrue(result.getValidateEvaluation("Accuracy") >= 0);
            }
        }
        return trainingBatches.get();
    }

    @Test
    void emnistTrainsForTwoBatchesWithAValidationSplit() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.BALANCED, true, 20, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist train =
                Emnist.builder().optDataDir(dir).optValidationSplit(4).setSampling(8, true).build();
        Emnist validation =
                Emnist.builder()
                        .optDataDir(dir)
                        .optValidationSplit(4)
                        .optUsage(Usage.VALIDATION)
                        .setSampling(8, false)
                        .build();
        assertEquals(2, fit(train, validation, new Shape(1, 1, 28, 28), 47, null));
        assertEquals(1, train.getEpoch(), "one epoch consumed");
    }

    @Test
    void emnistTrainsWithTheTrainersExecutor() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 24, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist train =
                Emnist.builder()
                        .optDataDir(dir)
                        .optSplit(Emnist.Split.DIGITS)
                        .optValidationSplit(8)
                        .setSampling(8, true)
                        .build();
        Emnist validation =
                Emnist.builder()
                        .optDataDir(dir)
                        .optSplit(Emnist.Split.DIGITS)
                        .optValidationSplit(8)
                        .optUsage(Usage.VALIDATION)
                        .setSampling(8, false)
                        .build();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            assertEquals(2, fit(train, validation, new Shape(1, 1, 28, 28), 10, executor));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void augmentedCifar10TrainsForTwoBatches() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(4, 6));
        Cifar10 train =
                Cifar10.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optAugmentation(true)
                        .setSampling(10, true)
                        .build();
        Cifar10 test =
                Cifar10.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optUsage(Usage.TEST)
                        .setSampling(6, false)
                        .build();
        assertEquals(2, fit(train, test, new Shape(1, 3, 32, 32), 10, null));
    }

    @Test
    void cifar100TrainsOnCoarseLabels() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar100Members(16, 4));
        Cifar100 train =
                Cifar100.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optLabels(Cifar100.Labels.COARSE)
                        .setSampling(8, true)
                        .build();
        Cifar100 test =
                Cifar100.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optLabels(Cifar100.Labels.COARSE)
                        .optUsage(Usage.TEST)
                        .setSampling(4, false)
                        .build();
        assertEquals(2, fit(train, test, new Shape(1, 3, 32, 32), 20, null));
    }
}
