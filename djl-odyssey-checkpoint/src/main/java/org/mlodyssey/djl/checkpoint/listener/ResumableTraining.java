/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.mlodyssey.djl.checkpoint.training.PositionableDataset;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingResultState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EasyTrain#fit} that resumes: one call that continues a checkpointed run where it stopped,
 * or starts it.
 *
 * <pre>{@code
 * CheckpointListener checkpoints = CheckpointListener.builder().setDirectory(dir).build();
 * DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
 *         .addTrainingListeners(TrainingListener.Defaults.logging())
 *         .addTrainingListeners(checkpoints);
 * try (Model model = Model.newInstance("lenet")) {
 *     model.setBlock(block);
 *     try (Trainer trainer = model.newTrainer(config)) {
 *         trainer.initialize(inputShape);
 *         ResumableTraining.fit(trainer, 10, train, validation);
 *     }
 * }
 * }</pre>
 *
 * <p>The call finds the trainer's {@link CheckpointListener}, prepares the datasets, resumes from
 * the newest valid checkpoint of the listener's directory ({@link CheckpointListener#resume}, the
 * one resume path of the library) or starts a new run, puts the training dataset at the resumed
 * position, and runs the remaining epochs with {@code EasyTrain.fit}. The engine is seeded from the
 * run seed throughout (weight initialization when the trainer is created, every step, every epoch
 * end), so two runs of the same seed are bit-identical, and so is a run killed at any step and
 * resumed, on the same hardware and thread settings.
 *
 * <p>Datasets that are {@link PositionableDataset}s (this library's {@code Emnist}, {@code Cifar10}
 * and {@code Cifar100}) are resumed exactly in the middle of an epoch: the rest of the interrupted
 * epoch is the rest of the order the uninterrupted run drew. Any other dataset is resumed exactly
 * at epoch boundaries; in the middle of an epoch it gives the remaining number of batches from a
 * newly drawn order, with a warning.
 */
public final class ResumableTraining {

    private static final Logger logger = LoggerFactory.getLogger(ResumableTraining.class);

    private ResumableTraining() {}

    /**
     * Resumes (or starts) a checkpointed run and trains it to {@code numEpoch} epochs.
     *
     * @param trainer the trainer, with a {@link CheckpointListener} among its training listeners,
     *     initialized
     * @param numEpoch the total number of epochs of the run, counting those already done
     * @param trainingDataset the training data
     * @param validateDataset the validation data, or null
     * @return DJL's training result of the trainer: all epochs of the run, those before the resume
     *     included, and the latest epoch's evaluations (the checkpoint's when none was left to run)
     * @throws IOException if data or checkpoints cannot be read
     * @throws TranslateException if a batch cannot be processed
     * @throws IllegalArgumentException if the trainer has no checkpoint listener
     * @throws org.mlodyssey.djl.checkpoint.training.IncompatibleCheckpointException if the newest
     *     checkpoint does not fit the trainer
     */
    public static TrainingResult fit(
            Trainer trainer, int numEpoch, Dataset trainingDataset, Dataset validateDataset)
            throws IOException, TranslateException {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(trainingDataset, "trainingDataset");
        CheckpointListener listener = listenerOf(trainer);
        prepare(trainingDataset);
        if (validateDataset != null) {
            prepare(validateDataset);
        }
        TrainingProgress start = listener.resume(trainer);
        TrainingResultState.restore(trainer, start);
        if (start.epoch() >= numEpoch) {
            logger.info(
                    "The run in {} has done its {} epochs already",
                    listener.getDirectory(),
                    numEpoch);
            return trainer.getTrainingResult();
        }
        Dataset train = position(trainingDataset, start);
        if (validateDataset instanceof PositionableDataset p) {
            p.setPosition(start.epoch(), 0);
        }
        EasyTrain.fit(trainer, numEpoch - start.epoch(), train, validateDataset);
        return trainer.getTrainingResult();
    }

    private static CheckpointListener listenerOf(Trainer trainer) {
        List<CheckpointListener> found = new ArrayList<>();
        trainer.notifyListeners(
                l -> {
                    if (l instanceof CheckpointListener c) {
                        found.add(c);
                    }
                });
        if (found.size() != 1) {
            throw new IllegalArgumentException(
                    "The trainer has "
                            + found.size()
                            + " checkpoint listeners; add one to its DefaultTrainingConfig:"
                            + " .addTrainingListeners(CheckpointListener.builder()"
                            + ".setDirectory(dir).build())");
        }
        return found.get(0);
    }

    private static void prepare(Dataset dataset) throws IOException, TranslateException {
        if (dataset instanceof RandomAccessDataset r) {
            r.prepare((Progress) null);
        }
    }

    /** The training dataset put at the start position, for its first epoch. */
    private static Dataset position(Dataset dataset, TrainingProgress start) {
        if (dataset instanceof PositionableDataset p) {
            p.setPosition(start.epoch(), start.batchInEpoch());
            if (start.batchInEpoch() > 0 && !p.isPositionableMidEpoch()) {
                warnNotExact(dataset, start);
            }
            return dataset;
        }
        if (start.batchInEpoch() == 0) {
            return dataset;
        }
        warnNotExact(dataset, start);
        return new SkipFirstBatches(dataset, start.batchInEpoch());
    }

    private static void warnNotExact(Dataset dataset, TrainingProgress start) {
        logger.warn(
                "Resuming in the middle of epoch {} (after {} batches) with a {}, which cannot be"
                        + " draw an epoch's order again (no PositionableDataset, or one with a"
                        + " sampler of its own): the rest of"
                        + " this epoch is drawn anew, so it differs from the uninterrupted run's."
                        + " Resume is exact at epoch boundaries with this dataset.",
                start.epoch(),
                start.batchInEpoch(),
                dataset.getClass().getSimpleName());
    }

    /** A dataset whose first epoch leaves out its first batches. */
    private static final class SkipFirstBatches implements Dataset {

        private final Dataset dataset;
        private int toSkip;

        SkipFirstBatches(Dataset dataset, int toSkip) {
            this.dataset = dataset;
            this.toSkip = toSkip;
        }

        @Override
        public Iterable<Batch> getData(NDManager manager) throws IOException, TranslateException {
            return skip(dataset.getData(manager));
        }

        @Override
        public Iterable<Batch> getData(NDManager manager, ExecutorService executor)
                throws IOException, TranslateException {
            return skip(dataset.getData(manager, executor));
        }

        @Override
        public void prepare(Progress progress) throws IOException, TranslateException {
            dataset.prepare(progress);
        }

        private Iterable<Batch> skip(Iterable<Batch> batches) {
            int n = toSkip;
            toSkip = 0;
            return () -> {
                Iterator<Batch> it = batches.iterator();
                for (int i = 0; i < n && it.hasNext(); i++) {
                    it.next().close();
                }
                return it;
            };
        }
    }
}
