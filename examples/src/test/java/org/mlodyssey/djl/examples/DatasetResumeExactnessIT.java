/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop;
import org.mlodyssey.djl.checkpoint.training.StepListener;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;
import org.mlodyssey.djl.datasets.Cifar10;
import org.mlodyssey.djl.datasets.CompactImageDataset;
import org.mlodyssey.djl.datasets.Emnist;
import org.mlodyssey.djl.datasets.idx.IdxType;
import org.mlodyssey.djl.datasets.idx.IdxWriter;

/**
 * The datasets of djl-odyssey-datasets under {@link ResumableTrainingLoop}: a shuffled run stopped
 * mid-epoch, checkpointed to disk, rebuilt from scratch and resumed ends with parameters and
 * optimizer state identical, byte for byte, to the same run never stopped. The generated images are
 * written in the official file formats.
 */
class DatasetResumeExactnessIT {

    private static final int IMAGES = 20; // batches of 6: 6, 6, 6, 2 per epoch
    private static final int BATCH = 6;
    private static final int EPOCHS = 2;
    private static final long STOP_STEP = 5; // epoch 1, after its first batch
    private static final long RUN_SEED = 77;

    @TempDir Path dir;

    @Test
    void augmentedShuffledCifar10ResumesBitExactly() throws Exception {
        writeCifar10(dir.resolve("cifar"));
        assertResumesExactly(
                () ->
                        Cifar10.builder()
                                .optCheckRecordCounts(false)
                                .optDataDir(dir.resolve("cifar"))
                                .optAugmentation(true)
                                .optSeed(3)
                                .setSampling(BATCH, true)
                                .build(),
                new Shape(BATCH, 3, 32, 32));
    }

    @Test
    void shuffledEmnistResumesBitExactly() throws Exception {
        writeEmnistMnist(dir.resolve("emnist"));
        assertResumesExactly(
                () ->
                        Emnist.builder()
                                .optDataDir(dir.resolve("emnist"))
                                .optSplit(Emnist.Split.MNIST)
                                .setSampling(BATCH, true)
                                .build(),
                new Shape(BATCH, 1, 28, 28));
    }

    /** Builds a dataset from scratch, as a new process would. */
    private interface DatasetFactory {
        CompactImageDataset build() throws IOException;
    }

    private void assertResumesExactly(DatasetFactory data, Shape inputShape) throws Exception {
        try (TrainingSnapshot straight = train(data, inputShape, 1, Long.MAX_VALUE, false);
                TrainingSnapshot stopped = train(data, inputShape, 1, STOP_STEP, false);
                TrainingSnapshot resumed = train(data, inputShape, 2, Long.MAX_VALUE, true)) {
            assertEquals(1, stopped.getProgress().epoch());
            assertEquals(1, stopped.getProgress().batchInEpoch());
            assertEquals(8, straight.getProgress().globalStep());
            assertTrue(
                    !Arrays.equals(bytes(stopped.getParameters()), bytes(straight.getParameters())),
                    "the stopped run still has steps to take");
            assertEquals(straight.getProgress(), resumed.getProgress());
            assertSameBytes(straight.getParameters(), resumed.getParameters(), "parameter");
            assertSameBytes(
                    straight.getOptimizerState().getTensors(),
                    resumed.getOptimizerState().getTensors(),
                    "optimizer tensor");
            assertEquals(
                    straight.getOptimizerState().getCounters(),
                    resumed.getOptimizerState().getCounters());
        }
    }

    /**
     * One run in a fresh dataset, model and trainer ({@code initSeed} decides the initial weights),
     * from the start or resumed from the newest checkpoint, up to {@code stopStep}, where it saves
     * a checkpoint.
     */
    private TrainingSnapshot train(
            DatasetFactory data, Shape inputShape, int initSeed, long stopStep, boolean resume)
            throws Exception {
        CompactImageDataset dataset = data.build();
        dataset.prepare();
        Engine.getInstance().setRandomSeed(initSeed);
        try (Model model = Model.newInstance("resume", Device.cpu())) {
            model.setBlock(
                    new SequentialBlock()
                            .add(Blocks.batchFlattenBlock())
                            .add(Linear.builder().setUnits(16).build())
                            .add(Activation::relu)
                            .add(Linear.builder().setUnits(10).build()));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(Tracker.fixed(0.01f))
                                            .build())
                            .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(inputShape);
                Path checkpoints = dir.resolve("checkpoints");
                TrainingProgress start =
                        resume
                                ? CheckpointDirectories.findLatestValid(checkpoints)
                                        .orElseThrow()
                                        .restoreInto(trainer)
                                : TrainingProgress.start(RUN_SEED);
                assertEquals(resume ? STOP_STEP : 0, start.globalStep());
                StepListener saveAtStop =
                        new StepListener() {
                            @Override
                            public void afterStep(Trainer t, TrainingProgress p) {
                                if (p.globalStep() == stopStep) {
                                    try {
                                        CheckpointDirectories.save(checkpoints, t, p, Map.of());
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                }
                            }

                            @Override
                            public void afterEpoch(Trainer t, TrainingProgress p) {}
                        };
                TrainingProgress end =
                        ResumableTrainingLoop.builder()
                                .optBeforeEpoch(dataset::setEpoch)
                                .optStopAfterStep(stopStep)
                                .addStepListener(saveAtStop)
                                .build()
                                .fit(trainer, EPOCHS, dataset, null, start);
                // Batches loaded through a sampler do not advance the dataset's epoch: without
                // the hook every epoch would draw epoch 0's augmentations.
                assertEquals(EPOCHS - 1, dataset.getEpoch(), "the hook set the last epoch");
                return TrainingSnapshot.capture(trainer, end);
            }
        }
    }

    private static byte[] bytes(Map<String, NDArray> tensors) {
        ByteBuffer all = ByteBuffer.allocate(1 << 20);
        tensors.values().forEach(t -> all.put(t.toByteArray()));
        return Arrays.copyOf(all.array(), all.position());
    }

    private static void assertSameBytes(
            Map<String, NDArray> expected, Map<String, NDArray> actual, String what) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), what + "s");
        expected.forEach(
                (name, tensor) ->
                        assertArrayEquals(
                                tensor.toByteArray(),
                                actual.get(name).toByteArray(),
                                what + " " + name + " differs"));
    }

    // ---- generated files in the official formats ----

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** CIFAR-10 binary version: records of one label byte and 3072 pixel bytes. */
    private static void writeCifar10(Path root) throws IOException {
        Path batches = Files.createDirectories(root.resolve("cifar-10-batches-bin"));
        Random random = new Random(10);
        int perFile = IMAGES / 5;
        for (int f = 1; f <= 6; f++) {
            ByteBuffer file = ByteBuffer.allocate(perFile * 3073);
            for (int i = 0; i < perFile; i++) {
                file.put((byte) random.nextInt(10)).put(randomBytes(random, 3072));
            }
            String name = f <= 5 ? "data_batch_" + f + ".bin" : "test_batch.bin";
            Files.write(batches.resolve(name), file.array());
        }
        StringBuilder names = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            names.append("class").append(c).append('\n');
        }
        Files.writeString(batches.resolve("batches.meta.txt"), names + "\n");
    }

    /** EMNIST "mnist" split as uncompressed IDX files (big-endian headers) and a mapping file. */
    private static void writeEmnistMnist(Path root) throws IOException {
        Path gzip = Files.createDirectories(root.resolve("gzip"));
        Random random = new Random(11);
        byte[] labels = new byte[IMAGES];
        byte[] pixels = randomBytes(random, IMAGES * 784);
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        IdxWriter.writeFile(
                gzip.resolve("emnist-mnist-train-images-idx3-ubyte"),
                false,
                IdxType.UNSIGNED_BYTE,
                pixels,
                IMAGES,
                28,
                28);
        IdxWriter.writeFile(
                gzip.resolve("emnist-mnist-train-labels-idx1-ubyte"),
                false,
                IdxType.UNSIGNED_BYTE,
                labels,
                IMAGES);
        StringBuilder mapping = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            mapping.append(c).append(' ').append('0' + c).append('\n');
        }
        Files.write(
                gzip.resolve("emnist-mnist-mapping.txt"),
                mapping.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
