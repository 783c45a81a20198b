/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.IntConsumer;

/**
 * A drop-in for {@link EasyTrain#fit} that can start at any epoch and batch and be resumed exactly.
 *
 * <p>Per epoch it calls the hook set with {@link Builder#optBeforeEpoch} with the epoch number,
 * reseeds DJL's shuffling generator ({@link SeedSchedule#beforeEpoch}) and draws the epoch's batch
 * order from the dataset's sampler, as index lists only. Batches before the starting one are
 * skipped by index: their data is never loaded and never reaches the model. Per step it reseeds the
 * engine ({@link SeedSchedule#beforeStep}), loads the batch into a sub-manager of the trainer's
 * manager, runs {@link EasyTrain#trainBatch} and {@link Trainer#step()}, closes that sub-manager,
 * then calls the {@link StepListener}s. At the end of an epoch it reseeds ({@link
 * SeedSchedule#beforeEpochEnd}), validates and notifies {@code onEpoch}, as {@code EasyTrain.fit}
 * does, and records the trainer's evaluations in the metric history of {@link TrainingProgress}.
 *
 * <p>The running totals of DJL's evaluators (the epoch's training loss and accuracy so far) are
 * saved and restored by the checkpoint listener ({@link EvaluatorAccumulators}), so an epoch
 * resumed in its middle reports the uninterrupted epoch's metrics. Listeners with state of their
 * own, such as {@code EpochTrainingListener}'s epoch counter, start over.
 *
 * <p>An uninterrupted run and a run stopped after any step, captured ({@link TrainingSnapshot}),
 * rebuilt and resumed from the captured {@link TrainingProgress} take the same steps on the same
 * data with the same random numbers, so they end bit-identical on the same hardware and thread
 * settings.
 */
public final class ResumableTrainingLoop {

    private final List<StepListener> listeners;
    private final long stopAfterStep;
    private final IntConsumer beforeEpoch;

    private ResumableTrainingLoop(Builder builder) {
        this.listeners = List.copyOf(builder.listeners);
        this.stopAfterStep = builder.stopAfterStep;
        this.beforeEpoch = builder.beforeEpoch;
    }

    /**
     * Starts a loop configuration.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains until {@code numEpoch} epochs are done (or the step limit is reached).
     *
     * @param trainer the trainer, initialized (and restored, when resuming)
     * @param numEpoch the total number of epochs of the run, counting those already done
     * @param trainingDataset the training data; its sampler decides the batches
     * @param validateDataset the validation data, or null
     * @param start where to start: {@link TrainingProgress#start(long)} for a new run, or the
     *     progress of a restored snapshot
     * @return where the run stopped
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if a batch cannot be processed
     * @throws IncompatibleCheckpointException if {@code start} lies beyond the dataset's epoch
     */
    public TrainingProgress fit(
            Trainer trainer,
            int numEpoch,
            RandomAccessDataset trainingDataset,
            Dataset validateDataset,
            TrainingProgress start)
            throws IOException, TranslateException {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(trainingDataset, "trainingDataset");
        Objects.requireNonNull(start, "start");
        SeedSchedule seeds = start.seedSchedule();
        Sampler sampler = DjlInternals.samplerOf(trainingDataset);
        TrainingProgress progress = start;
        if (progress.globalStep() >= stopAfterStep) {
            return progress;
        }
        while (progress.epoch() < numEpoch) {
            int epoch = progress.epoch();
            beforeEpoch.accept(epoch);
            seeds.beforeEpoch(epoch);
            List<List<Long>> order = new ArrayList<>();
            for (Iterator<List<Long>> it = sampler.sample(trainingDataset); it.hasNext(); ) {
                order.add(List.copyOf(it.next()));
            }
            if (progress.batchInEpoch() > order.size()) {
                throw new IncompatibleCheckpointException(
                        "Cannot resume at batch "
                                + progress.batchInEpoch()
                                + " of epoch "
                                + epoch
                                + ": the training dataset gives "
                                + order.size()
                                + " batches per epoch");
            }
            for (int b = progress.batchInEpoch(); b < order.size(); b++) {
                seeds.beforeStep(progress.globalStep());
                // The dataset's iterable makes a sub-manager of the manager it is given and closes
                // it only when asked for a next batch it does not have; one batch is taken from
                // it, so the step's own manager closes it (and all else of the step's batch).
                try (NDManager stepManager = trainer.getManager().newSubManager();
                        Batch batch =
                                loadBatch(trainer, stepManager, trainingDataset, order.get(b))) {
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                }
                progress = progress.afterStep();
                boolean epochEndFollows =
                        b == order.size() - 1 && progress.globalStep() < stopAfterStep;
                for (StepListener listener : listeners) {
                    listener.afterStep(trainer, progress, epochEndFollows);
                }
                if (progress.globalStep() >= stopAfterStep) {
                    return progress;
                }
            }
            seeds.beforeEpochEnd(epoch);
            EasyTrain.evaluateDataset(trainer, validateDataset);
            trainer.notifyListeners(listener -> listener.onEpoch(trainer));
            progress = progress.afterEpoch(epochMetrics(trainer));
            for (StepListener listener : listeners) {
                listener.afterEpoch(trainer, progress);
            }
        }
        return progress;
    }

    private static Batch loadBatch(
            Trainer trainer, NDManager manager, RandomAccessDataset dataset, List<Long> indices)
            throws IOException, TranslateException {
        Sampler one = new FixedBatchSampler(indices);
        ExecutorService executor = trainer.getExecutorService().orElse(null);
        Iterable<Batch> batches =
                executor == null
                        ? dataset.getData(manager, one)
                        : dataset.getData(manager, one, executor);
        Iterator<Batch> it = batches.iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException(
                    "Dataset " + dataset.getClass().getName() + " gave no batch for " + indices);
        }
        return it.next();
    }

    private static Map<String, Float> epochMetrics(Trainer trainer) {
        TrainingResult result = trainer.getTrainingResult();
        Map<String, Float> evaluations = result == null ? null : result.getEvaluations();
        return evaluations == null ? Map.of() : new LinkedHashMap<>(evaluations);
    }

    /** A sampler that yields one given batch of indices. */
    private static final class FixedBatchSampler implements Sampler {

        private final List<Long> indices;

        FixedBatchSampler(List<Long> indices) {
            this.indices = indices;
        }

        @Override
        public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
            return List.of(indices).iterator();
        }

        @Override
        public int getBatchSize() {
            return indices.size();
        }
    }

    /** Configures a {@link ResumableTrainingLoop}. */
    public static final class Builder {

        private final List<StepListener> listeners = new ArrayList<>();
        private long stopAfterStep = Long.MAX_VALUE;
        private IntConsumer beforeEpoch = epoch -> {};

        Builder() {}

        /**
         * Adds a listener called after every step and epoch, in the order added.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder addStepListener(StepListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets what to call with the epoch number before each epoch's first batch, before the
         * epoch's batch order is drawn; on a resume, also before the first batch of the epoch the
         * run resumes in, mid-epoch included. Datasets whose augmentation depends on an epoch
         * number they are told, such as the compact image datasets of djl-odyssey-datasets, are
         * wired here: {@code .optBeforeEpoch(cifar::setEpoch)}.
         *
         * @param beforeEpoch receives the epoch number, 0 for the first epoch
         * @return this builder
         */
        public Builder optBeforeEpoch(IntConsumer beforeEpoch) {
            this.beforeEpoch = Objects.requireNonNull(beforeEpoch, "beforeEpoch");
            return this;
        }

        /**
         * Stops the run once it has taken this many steps in total, right after the listeners of
         * that step and before the epoch's end.
         *
         * @param globalSteps the total step count to stop at
         * @return this builder
         */
        public Builder optStopAfterStep(long globalSteps) {
            if (globalSteps < 0) {
                throw new IllegalArgumentException("Negative step count " + globalSteps);
            }
            this.stopAfterStep = globalSteps;
            return this;
        }

        /**
         * Builds the loop.
         *
         * @return the loop
         */
        public ResumableTrainingLoop build() {
            return new ResumableTrainingLoop(this);
        }
    }
}
