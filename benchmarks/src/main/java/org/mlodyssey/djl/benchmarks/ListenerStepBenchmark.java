/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.benchmarks;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.examples.ModelKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The checkpoint listener's cost per training step when no save is due, against the step itself:
 * LeNet on random 28x28 images, batch 32, with DJL's evaluator listener and an accuracy evaluator.
 *
 * <ul>
 *   <li>{@link #trainingStep}: one {@code EasyTrain.trainBatch} and {@code trainer.step()}, without
 *       the checkpoint listener (the denominator);
 *   <li>{@link #listenerCallback}: the checkpoint listener's {@code onTrainingBatch} as {@code
 *       EasyTrain.fit} calls it after each step (epoch period 0, no step period, no save at the
 *       end: it counts the step and reseeds the engine for the next one).
 * </ul>
 *
 * <p>Their ratio is the listener's share of a step.
 */
@State(Scope.Benchmark)
public class ListenerStepBenchmark extends EngineBenchmark {

    private static final int BATCH = 32;

    private Path directory;
    private NDManager data;
    private Model model;
    private Trainer trainer;
    private final float[] pixels = new float[BATCH * 28 * 28];
    private final float[] labels = new float[BATCH];
    private CheckpointListener listener;
    private TrainingListener.BatchData batchData;

    /**
     * Builds the trainer, the batch's values and a listener that saves nothing.
     *
     * @throws IOException if the listener's directory cannot be made or locked
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("odyssey-jmh-listener");
        data = NDManager.newBaseManager();
        model = Model.newInstance("lenet-jmh");
        model.setBlock(ModelKind.LENET.build(1, 28, 10));
        trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                .addEvaluator(new Accuracy())
                                .addTrainingListeners(new EvaluatorTrainingListener()));
        trainer.initialize(new Shape(1, 1, 28, 28));
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        for (int i = 0; i < BATCH; i++) {
            labels[i] = random.nextInt(10);
        }
        listener =
                CheckpointListener.builder()
                        .setDirectory(directory.resolve("checkpoints"))
                        .optEveryEpochs(0)
                        .optAtEnd(false)
                        .build();
        listener.onTrainingBegin(trainer);
        batchData = new TrainingListener.BatchData(null, Map.of(), Map.of());
    }

    /**
     * Closes everything and deletes the listener's directory.
     *
     * @throws IOException if the directory cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        listener.close();
        trainer.close();
        model.close();
        data.close();
        AtomicFiles.deleteRecursively(directory);
    }

    /** One training step of LeNet, batch 32, without the checkpoint listener. */
    @Benchmark
    public void trainingStep() {
        // The batch in a manager of its own, closed after the step as EasyTrain.fit closes it:
        // the forward pass's arrays are attached to it.
        try (NDManager step = data.newSubManager()) {
            Batch batch =
                    new Batch(
                            step,
                            new NDList(step.create(pixels, new Shape(BATCH, 1, 28, 28))),
                            new NDList(step.create(labels, new Shape(BATCH))),
                            BATCH,
                            Batchifier.STACK,
                            Batchifier.STACK,
                            0,
                            1);
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
        }
    }

    /** The checkpoint listener's callback after a step at which no save is due. */
    @Benchmark
    public void listenerCallback() {
        listener.onTrainingBatch(trainer, batchData);
    }
}
