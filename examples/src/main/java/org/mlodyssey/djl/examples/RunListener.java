/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import org.mlodyssey.djl.checkpoint.training.StepListener;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/**
 * A step listener of a {@link TrainClassifier} run that is also told the run's size before its
 * first step and where it ended after its last (a progress bar needs both).
 */
@FunctionalInterface
public interface RunListener extends StepListener {

    /**
     * Called once the datasets are prepared, before the first step.
     *
     * @param epochs the total epochs of the run
     * @param batchesPerEpoch the training batches per epoch
     */
    default void beforeRun(int epochs, int batchesPerEpoch) {}

    /**
     * Called when training ends normally (not after a failure), before the final evaluation.
     *
     * @param end where the run ended
     */
    default void afterRun(TrainingProgress end) {}
}
