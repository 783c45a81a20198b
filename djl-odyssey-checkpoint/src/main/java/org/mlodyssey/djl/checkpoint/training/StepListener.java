/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.training.Trainer;

/**
 * Called by {@link ResumableTrainingLoop} after each optimizer step and after each epoch, when the
 * parameters and optimizer state are consistent and a checkpoint taken now resumes exactly.
 *
 * <p>DJL's own {@code TrainingListener.onTrainingBatch} fires before {@code Trainer.step()}, when
 * the parameters do not yet include the batch's update; this listener fires after it.
 */
public interface StepListener {

    /**
     * Called after {@code trainer.step()} of a batch.
     *
     * @param trainer the trainer
     * @param progress the progress including this step
     */
    void afterStep(Trainer trainer, TrainingProgress progress);

    /**
     * Called after an epoch's validation and {@code onEpoch} notification.
     *
     * @param trainer the trainer
     * @param progress the progress at the start of the next epoch
     */
    default void afterEpoch(Trainer trainer, TrainingProgress progress) {}
}
