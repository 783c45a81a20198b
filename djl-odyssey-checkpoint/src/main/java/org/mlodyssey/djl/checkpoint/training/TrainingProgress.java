/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands: everything besides parameters and optimizer state that a resume
 * needs to continue exactly.
 *
 * @param seed the run seed, from which {@link SeedSchedule} derives every random seed
 * @param epoch the zero-based epoch in progress
 * @param batchInEpoch how many batches of that epoch are done (the index of the next one); equal to
 *     the epoch's batch count when its batches are done but its end (validation, {@code onEpoch})
 *     has not run
 * @param globalStep how many optimizer steps the run has taken
 * @param epochMetrics for each finished epoch, the trainer's evaluations at its end
 */
public record TrainingProgress(
        long seed,
        int epoch,
        int batchInEpoch,
        long globalStep,
        List<Map<String, Float>> epochMetrics) {

    /**
     * Creates a progress record; the metric history is copied.
     *
     * @param seed the run seed
     * @param epoch the zero-based epoch in progress
     * @param batchInEpoch batches of that epoch done
     * @param globalStep optimizer steps taken
     * @param epochMetrics evaluations at the end of each finished epoch
     */
    public TrainingProgress {
        if (epoch < 0 || batchInEpoch < 0 || globalStep < 0) {
            throw new IllegalArgumentException(
                    "Negative training position: epoch "
                            + epoch
                            + ", batch "
                            + batchInEpoch
                            + ", step "
                            + globalStep);
        }
        List<Map<String, Float>> copy = new ArrayList<>();
        for (Map<String, Float> metrics : epochMetrics) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(metrics)));
        }
        epochMetrics = Collections.unmodifiableList(copy);
    }

    /**
     * Returns the progress of a run that has not started.
     *
     * @param seed the run seed
     * @return epoch 0, batch 0, step 0
     */
    public static TrainingProgress start(long seed) {
        return new TrainingProgress(seed, 0, 0, 0, List.of());
    }

    /**
     * Returns the seed schedule of this run.
     *
     * @return the schedule for {@link #seed()}
     */
    public SeedSchedule seedSchedule() {
        return new SeedSchedule(seed);
    }

    TrainingProgress afterStep() {
        return new TrainingProgress(seed, epoch, batchInEpoch + 1, globalStep + 1, epochMetrics);
    }

    TrainingProgress afterEpoch(Map<String, Float> metrics) {
        List<Map<String, Float>> history = new ArrayList<>(epochMetrics);
        history.add(metrics);
        return new TrainingProgress(seed, epoch + 1, 0, globalStep, history);
    }
}
