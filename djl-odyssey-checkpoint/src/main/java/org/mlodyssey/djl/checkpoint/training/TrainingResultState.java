/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.EpochTrainingListener;
import ai.djl.training.listener.EvaluatorTrainingListener;
import java.util.List;
import java.util.Map;

/**
 * What DJL's own listeners report of a run, restored at a resume: the epochs done ({@code
 * Trainer.getTrainingResult().getEpoch()} and the model's {@code Epoch} property) and the latest
 * epoch's evaluations ({@code getTrainingResult().getEvaluations()}), as the run never stopped
 * would report them.
 */
public final class TrainingResultState {

    private TrainingResultState() {}

    /**
     * Sets DJL's epoch count and latest evaluations of a trainer to those of a position.
     *
     * @param trainer the trainer, with DJL's default listeners or without them
     * @param at the position resumed at, with its metric history
     */
    public static void restore(Trainer trainer, TrainingProgress at) {
        List<Map<String, Float>> history = at.epochMetrics();
        trainer.notifyListeners(
                listener -> {
                    if (listener instanceof EpochTrainingListener epochs) {
                        DjlInternals.setNumEpochs(epochs, at.epoch());
                    } else if (listener instanceof EvaluatorTrainingListener evaluators
                            && !history.isEmpty()) {
                        DjlInternals.setLatestEvaluations(
                                evaluators, history.get(history.size() - 1));
                    }
                });
    }
}
