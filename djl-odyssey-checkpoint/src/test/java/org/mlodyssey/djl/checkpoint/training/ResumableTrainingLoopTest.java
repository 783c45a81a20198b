/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Progress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loop's position bookkeeping, and that skipped batches are never loaded. */
class ResumableTrainingLoopTest {

    private static final int SIZE = 10;
    private static final int BATCH = 4; // 3 batches per epoch: 4, 4, 2

    private NDManager manager;
    private CountingDataset dataset;
    private Model model;
    private Trainer trainer;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager(Device.cpu());
        dataset =
                new CountingDataset(
                        new CountingDataset.Builder().setSampling(BATCH, true),
                        manager.arange((float) SIZE * 2).reshape(SIZE, 2),
                        manager.arange((float) SIZE).reshape(SIZE, 1));
        model = Model.newInstance("loop", Device.cpu());
        model.setBlock(Linear.builder().setUnits(1).build());
        trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(Loss.l2Loss())
                                .optOptimizer(
                                        Optimizer.sgd()
                                                .setLearningRateTracker(Tracker.fixed(0.01f))
                                                .build())
                                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(new Shape(BATCH, 2));
    }

    @AfterEach
    void tearDown() {
        trainer.close();
        model.close();
        manager.close();
    }

    /** The batch order of an epoch, as the loop draws it. */
    private List<List<Long>> orderOf(long seed, int epoch) {
        new SeedSchedule(seed).beforeEpoch(epoch);
        List<List<Long>> order = new ArrayList<>();
        for (Iterator<List<Long>> it = DjlInternals.samplerOf(dataset).sample(dataset);
                it.hasNext(); ) {
            order.add(it.next());
        }
        return order;
    }

    @Test
    void resumeLoadsOnlyTheBatchesAfterTheStartAndReportsEveryPosition() throws Exception {
        List<String> positions = new ArrayList<>();
        StepListener recorder =
                new StepListener() {
                    @Override
                    public void afterStep(Trainer t, TrainingProgress p) {
                        positions.add(
                                "step "
                                        + p.globalStep()
                                        + " e"
                                        + p.epoch()
                                        + "b"
                                        + p.batchInEpoch());
                    }

                    @Override
                    public void afterEpoch(Trainer t, TrainingProgress p) {
                        positions.add(
                                "epoch "
                                        + p.globalStep()
                                        + " e"
                                        + p.epoch()
                                        + "b"
                                        + p.batchInEpoch());
                    }
                };
        TrainingProgress start = new TrainingProgress(5, 1, 2, 5, List.of(java.util.Map.of()));
        TrainingProgress end =
                ResumableTrainingLoop.builder()
                        .addStepListener(recorder)
                        .build()
                        .fit(trainer, 3, dataset, null, start);

        List<Long> expected = new ArrayList<>(orderOf(5, 1).get(2));
        orderOf(5, 2).forEach(expected::addAll);
        assertEquals(expected, dataset.fetched, "only batch 2 of epoch 1 and epoch 2 are loaded");
        assertEquals(
                List.of(
                        "step 6 e1b3",
                        "epoch 6 e2b0",
                        "step 7 e2b1",
                        "step 8 e2b2",
                        "step 9 e2b3",
                        "epoch 9 e3b0"),
                positions);
        assertEquals(new TrainingProgress(5, 3, 0, 9, end.epochMetrics()), end);
        assertEquals(3, end.epochMetrics().size());
    }

    @Test
    void beforeEpochIsCalledBeforeEachEpochsFirstBatchAlsoWhenResumingMidEpoch() throws Exception {
        List<String> events = new ArrayList<>();
        StepListener steps =
                new StepListener() {
                    @Override
                    public void afterStep(Trainer t, TrainingProgress p) {
                        events.add("step " + p.globalStep());
                    }

                    @Override
                    public void afterEpoch(Trainer t, TrainingProgress p) {}
                };
        TrainingProgress start = new TrainingProgress(5, 1, 2, 5, List.of(java.util.Map.of()));
        ResumableTrainingLoop.builder()
                .optBeforeEpoch(epoch -> events.add("epoch " + epoch))
                .addStepListener(steps)
                .build()
                .fit(trainer, 3, dataset, null, start);
        assertEquals(List.of("epoch 1", "step 6", "epoch 2", "step 7", "step 8", "step 9"), events);
    }

    @Test
    void stopAfterStepStopsBeforeTheEpochEnd() throws Exception {
        TrainingProgress stopped =
                ResumableTrainingLoop.builder()
                        .optStopAfterStep(3)
                        .build()
                        .fit(trainer, 3, dataset, null, TrainingProgress.start(1));
        assertEquals(new TrainingProgress(1, 0, 3, 3, List.of()), stopped);
        dataset.fetched.clear();
        TrainingProgress end =
                ResumableTrainingLoop.builder().build().fit(trainer, 1, dataset, null, stopped);
        assertTrue(dataset.fetched.isEmpty(), "the epoch's batches are done: " + dataset.fetched);
        assertEquals(new TrainingProgress(1, 1, 0, 3, end.epochMetrics()), end);
    }

    @Test
    void startBeyondTheEpochIsRefused() {
        TrainingProgress beyond = new TrainingProgress(1, 0, 4, 4, List.of());
        IncompatibleCheckpointException e =
                assertThrows(
                        IncompatibleCheckpointException.class,
                        () ->
                                ResumableTrainingLoop.builder()
                                        .build()
                                        .fit(trainer, 2, dataset, null, beyond));
        assertTrue(e.getMessage().contains("batch 4 of epoch 0"), e.getMessage());
        assertTrue(e.getMessage().contains("3 batches"), e.getMessage());
    }

    /** The number of resources held directly by a manager, as its public description gives it. */
    private static int resourceCount(NDManager manager) {
        Matcher m = Pattern.compile("Resource size: (\\d+)").matcher(manager.toString());
        assertTrue(m.find(), "DJL's NDManager description changed: " + manager);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void stepsLeaveNothingOnTheTrainersManager() throws Exception {
        int before = resourceCount(trainer.getManager());
        TrainingProgress end =
                ResumableTrainingLoop.builder()
                        .build()
                        .fit(trainer, 10, dataset, null, TrainingProgress.start(3));
        assertEquals(30, end.globalStep());
        assertEquals(before, resourceCount(trainer.getManager()), "resources after 30 steps");
    }

    /** A dataset that records every index it loads. */
    static final class CountingDataset extends RandomAccessDataset {

        final List<Long> fetched = Collections.synchronizedList(new ArrayList<>());
        private final NDArray data;
        private final NDArray labels;

        CountingDataset(Builder builder, NDArray data, NDArray labels) {
            super(builder);
            this.data = data;
            this.labels = labels;
        }

        @Override
        public Record get(NDManager manager, long index) {
            fetched.add(index);
            return new Record(new NDList(data.get(index)), new NDList(labels.get(index)));
        }

        @Override
        protected long availableSize() {
            return data.getShape().get(0);
        }

        @Override
        public void prepare(Progress progress) {}

        static final class Builder extends BaseBuilder<Builder> {
            @Override
            protected Builder self() {
                return this;
            }
        }
    }
}
