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
     * Called after {@code trainer.step()} of a batch, saying whether the epoch's end ({@code
     * onEpoch}, then {@link #afterEpoch}) follows at the same global step: the batch was the
     * epoch's last and the loop goes on. The resumable loop calls this one; by default it calls
     * {@link #afterStep(Trainer, TrainingProgress)}.
     *
     * @param trainer the trainer
     * @param progress the progress including this step
     * @param epochEndFollows whether {@link #afterEpoch} follows at this global step
     */
    default void afterStep(Trainer trainer, TrainingProgress progress, boolean epochEndFollows) {
        afterStep(trainer, progress);
    }

    /**
     * Called after an epoch's validation and {@code onEpoch} notification.
     *
     * @param trainer the trainer
     * @param progress the progress at the start of the next epoch
     */
    default void afterEpoch(Trainer trainer, TrainingProgress progress) {}
}
