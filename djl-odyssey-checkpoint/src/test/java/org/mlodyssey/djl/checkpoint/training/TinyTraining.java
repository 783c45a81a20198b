/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.EpochTrainingListener;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A small training run on the real PyTorch engine: two dense layers with dropout between them, 50
 * generated samples shuffled in batches of 8 (7 batches per epoch, the last one short), 3 epochs,
 * 21 steps.
 */
public final class TinyTraining implements AutoCloseable {

    public static final int SAMPLES = 50;
    public static final int FEATURES = 6;
    public static final int BATCH_SIZE = 8;
    public static final int BATCHES_PER_EPOCH = 7;
    public static final int EPOCHS = 3;
    public static final long TOTAL_STEPS = (long) EPOCHS * BATCHES_PER_EPOCH;
    public static final long RUN_SEED = 20_261_128L;
    public static final int HIDDEN_UNITS = 16;

    /** The optimizers the exactness tests cover. */
    public enum OptimizerKind {
        ADAM,
        ADAMW,
        SGD,
        SGD_MOMENTUM
    }

    private final NDManager dataManager;
    private final ArrayDataset dataset;
    private final ArrayDataset validation;
    private final EpochSeededDataset positionable;
    private final Model model;
    private final Trainer trainer;
    private final List<Integer> trackerUpdates = Collections.synchronizedList(new ArrayList<>());

    /**
     * Builds data, model and trainer from scratch; {@code initSeed} decides the initial weights.
     */
    public TinyTraining(OptimizerKind kind, int initSeed) {
        this(kind, initSeed, new Device[] {Device.cpu()});
    }

    /** Builds data, model and trainer on given training devices; the model lives on the first. */
    TinyTraining(OptimizerKind kind, int initSeed, Device[] devices) {
        this(kind, initSeed, devices, false);
    }

    /**
     * Builds data, model and trainer; with {@code metrics}, also a shuffled validation set and
     * DJL's epoch and evaluator listeners, so that the run records a metric history.
     */
    TinyTraining(OptimizerKind kind, int initSeed, Device[] devices, boolean metrics) {
        this(kind, initSeed, devices, metrics, new TrainingListener[0]);
    }

    /**
     * Builds data, model and trainer on the CPU, with or without metrics, with extra training
     * listeners added to the configuration after DJL's.
     */
    public TinyTraining(
            OptimizerKind kind, int initSeed, boolean metrics, TrainingListener... listeners) {
        this(kind, initSeed, new Device[] {Device.cpu()}, metrics, HIDDEN_UNITS, listeners);
    }

    /**
     * Builds data, model and trainer on the CPU without metrics, with a hidden layer of another
     * width than the default (a model a checkpoint of the default one does not fit).
     */
    public TinyTraining(
            OptimizerKind kind, int initSeed, int hiddenUnits, TrainingListener... listeners) {
        this(kind, initSeed, new Device[] {Device.cpu()}, false, hiddenUnits, listeners);
    }

    /**
     * Builds data, model and trainer on given training devices (data and model on the first), with
     * or without metrics, with extra training listeners added after DJL's.
     */
    public TinyTraining(
            OptimizerKind kind,
            int initSeed,
            Device[] devices,
            boolean metrics,
            TrainingListener... listeners) {
        this(kind, initSeed, devices, metrics, HIDDEN_UNITS, listeners);
    }

    private TinyTraining(
            OptimizerKind kind,
            int initSeed,
            Device[] devices,
            boolean metrics,
            int hiddenUnits,
            TrainingListener[] listeners) {
        dataManager = NDManager.newBaseManager(devices[0]);
        Random random = new Random(7);
        float[] x = new float[SAMPLES * FEATURES];
        float[] y = new float[SAMPLES * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) random.nextGaussian();
        }
        dataset =
                new ArrayDataset.Builder()
                        .setData(dataManager.create(x, new Shape(SAMPLES, FEATURES)))
                        .optLabels(dataManager.create(y, new Shape(SAMPLES, 3)))
                        .setSampling(BATCH_SIZE, true)
                        .build();
        positionable =
                new EpochSeededDataset(
                        dataManager.create(x, new Shape(SAMPLES, FEATURES)),
                        dataManager.create(y, new Shape(SAMPLES, 3)),
                        BATCH_SIZE);
        validation =
                metrics
                        ? new ArrayDataset.Builder()
                                .setData(gaussian(random, new Shape(12, FEATURES)))
                                .optLabels(gaussian(random, new Shape(12, 3)))
                                .setSampling(5, true)
                                .build()
                        : null;
        Engine.getInstance().setRandomSeed(initSeed);
        SequentialBlock block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(hiddenUnits).build())
                        .add(Activation::relu)
                        .add(Dropout.builder().optRate(0.25f).build())
                        .add(Linear.builder().setUnits(3).build());
        model = Model.newInstance("tiny", devices[0]);
        model.setBlock(block);
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(optimizer(kind))
                        .optDevices(devices);
        if (metrics) {
            config.addTrainingListeners(
                    new EpochTrainingListener(), new EvaluatorTrainingListener());
        }
        config.addTrainingListeners(listeners);
        try {
            trainer = model.newTrainer(config);
            trainer.initialize(new Shape(BATCH_SIZE, FEATURES));
        } catch (RuntimeException e) {
            // A listener refused the trainer: closing the model closes the trainer's memory too,
            // so its finalizer does not end the training on the listeners later.
            model.close();
            dataManager.close();
            throw e;
        }
    }

    private NDArray gaussian(Random random, Shape shape) {
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return dataManager.create(values, shape);
    }

    private Optimizer optimizer(OptimizerKind kind) {
        Tracker schedule = Tracker.factor().setBaseValue(0.05f).setFactor(0.9f).build();
        Tracker recording =
                numUpdate -> {
                    trackerUpdates.add(numUpdate);
                    return schedule.getNewValue(numUpdate);
                };
        switch (kind) {
            case ADAM:
                return Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            case ADAMW:
                return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            case SGD:
                return Optimizer.sgd().setLearningRateTracker(recording).build();
            case SGD_MOMENTUM:
                return Optimizer.sgd().setLearningRateTracker(recording).optMomentum(0.9f).build();
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    public Trainer trainer() {
        return trainer;
    }

    /**
     * Returns the training data as a {@link PositionableDataset} (shuffled per epoch from a fixed
     * seed and the epoch number, as the compact image datasets are), on the same arrays as {@link
     * #dataset()}.
     */
    public EpochSeededDataset positionableDataset() {
        return positionable;
    }

    public ArrayDataset dataset() {
        return dataset;
    }

    /** Returns the validation set, or null without metrics. */
    public ArrayDataset validation() {
        return validation;
    }

    /** Returns the update counts the learning-rate tracker was asked about, in order. */
    List<Integer> trackerUpdates() {
        return List.copyOf(trackerUpdates);
    }

    public TrainingProgress train(
            TrainingProgress start, long stopAfterStep, StepListener... listeners)
            throws IOException, TranslateException {
        ResumableTrainingLoop.Builder builder =
                ResumableTrainingLoop.builder().optStopAfterStep(stopAfterStep);
        for (StepListener listener : listeners) {
            builder.addStepListener(listener);
        }
        return builder.build().fit(trainer, EPOCHS, dataset, validation, start);
    }

    /**
     * Restores the newest valid checkpoint of a directory into a trainer, or returns the start of a
     * new run with {@code seed}: the format layer alone, without a listener.
     */
    public static TrainingProgress restoreNewestOrStart(Path root, Trainer trainer, long seed)
            throws IOException {
        Optional<TrainingCheckpoint> newest = CheckpointDirectories.findLatestValid(root);
        return newest.isEmpty() ? TrainingProgress.start(seed) : newest.get().restoreInto(trainer);
    }

    public TrainingSnapshot snapshot(TrainingProgress progress) {
        return TrainingSnapshot.capture(trainer, progress);
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
        dataManager.close();
    }

    /** Asserts two snapshots are equal byte for byte: progress, parameters, optimizer state. */
    public static void assertBitIdentical(TrainingSnapshot expected, TrainingSnapshot actual) {
        assertEquals(expected.getProgress(), actual.getProgress(), "progress");
        assertTensorsIdentical(expected.getParameters(), actual.getParameters(), "parameter");
        OptimizerState expectedState = expected.getOptimizerState();
        OptimizerState actualState = actual.getOptimizerState();
        assertEquals(expectedState.getOptimizerClass(), actualState.getOptimizerClass());
        assertEquals(expectedState.getCounters(), actualState.getCounters(), "counters");
        assertTensorsIdentical(
                expectedState.getTensors(), actualState.getTensors(), "optimizer tensor");
    }

    public static void assertTensorsIdentical(
            Map<String, NDArray> expected, Map<String, NDArray> actual, String what) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), what + " names");
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, NDArray> entry : expected.entrySet()) {
            NDArray other = actual.get(entry.getKey());
            assertEquals(entry.getValue().getShape(), other.getShape(), entry.getKey());
            assertEquals(entry.getValue().getDataType(), other.getDataType(), entry.getKey());
            byte[] expectedBytes = entry.getValue().toByteArray();
            byte[] actualBytes = other.toByteArray();
            if (!Arrays.equals(expectedBytes, actualBytes)) {
                differing.add(
                        entry.getKey()
                                + " ("
                                + describeDifference(
                                        entry.getValue().getDataType(), expectedBytes, actualBytes)
                                + ")");
            }
        }
        // Every differing tensor and by how much, not only the first: a last-bit difference in a
        // few elements points elsewhere than a different dropout mask or shuffled batch does.
        assertTrue(differing.isEmpty(), what + "s differ: " + differing);
    }

    /** Says how two equally long byte images of an array differ; float32 element by element. */
    static String describeDifference(DataType type, byte[] expected, byte[] actual) {
        if (type != DataType.FLOAT32) {
            int bytes = 0;
            for (int i = 0; i < expected.length; i++) {
                bytes += expected[i] != actual[i] ? 1 : 0;
            }
            return bytes + " of " + expected.length + " bytes";
        }
        FloatBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int elements = 0;
        int first = -1;
        long maxUlps = 0;
        double maxAbs = 0;
        for (int i = 0; i < e.limit(); i++) {
            float x = e.get(i);
            float y = a.get(i);
            if (Float.floatToRawIntBits(x) != Float.floatToRawIntBits(y)) {
                elements++;
                first = first < 0 ? i : first;
                maxUlps = Math.max(maxUlps, Math.abs(ordered(x) - ordered(y)));
                maxAbs = Math.max(maxAbs, Math.abs((double) x - y));
            }
        }
        return elements
                + " of "
                + e.limit()
                + " elements, the first at "
                + first
                + " ("
                + e.get(first)
                + " expected, "
                + a.get(first)
                + " actual), at most "
                + maxAbs
                + " apart, "
                + maxUlps
                + " ulps";
    }

    /**
     * Asserts the newest valid checkpoints of two directories are equal byte for byte and hold the
     * end of the run.
     */
    public static void assertSameFinalState(Path expectedRoot, Path actualRoot) throws IOException {
        TrainingCheckpoint expected =
                CheckpointDirectories.findLatestValid(expectedRoot).orElseThrow();
        TrainingCheckpoint actual = CheckpointDirectories.findLatestValid(actualRoot).orElseThrow();
        assertEquals(TOTAL_STEPS, expected.getProgress().globalStep());
        try (TrainingSnapshot e = expected.loadSnapshot();
                TrainingSnapshot a = actual.loadSnapshot()) {
            assertBitIdentical(e, a);
        }
    }

    /** Maps a float to a long that counts representable floats, so that ulps subtract. */
    private static long ordered(float value) {
        int bits = Float.floatToRawIntBits(value);
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    /** Tells whether two tensor maps differ in any byte. */
    static boolean anyTensorDiffers(Map<String, NDArray> a, Map<String, NDArray> b) {
        for (Map.Entry<String, NDArray> entry : a.entrySet()) {
            if (!Arrays.equals(
                    entry.getValue().toByteArray(), b.get(entry.getKey()).toByteArray())) {
                return true;
            }
        }
        return false;
    }
}
