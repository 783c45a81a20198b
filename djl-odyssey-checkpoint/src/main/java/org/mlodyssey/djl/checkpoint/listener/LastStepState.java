/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import org.mlodyssey.djl.checkpoint.internal.ForwardState;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.training.EvaluatorAccumulators;

/**
 * With {@code EasyTrain.fit}: what a trainer's state was after the last step taken, kept for the
 * save at the next batch, whose forward pass changes it before the listener is told of that batch:
 * the evaluators' running totals, and the parameters without gradient (batch normalization's
 * running statistics) for models that have such.
 */
final class LastStepState {

    /** The evaluators' totals after the last step kept; null when none is kept. */
    private EvaluatorAccumulators.Totals totals;

    /** The parameters without gradient after the last step kept; null when none are kept. */
    private ForwardState forwardState;

    /** Whether the model has parameters without gradient; null until the first copy. */
    private Boolean modelHasForwardState;

    /**
     * Keeps the trainer's state as it is now, freeing what was kept before.
     *
     * @param trainer the trainer, right after a step
     */
    void keep(Trainer trainer) {
        totals = EvaluatorAccumulators.copy(trainer);
        copyForwardState(trainer);
    }

    /** Keeps nothing: the next batch saves nothing, so nothing is copied at this step. */
    void drop() {
        totals = null;
        free();
    }

    /**
     * Returns the evaluators' totals kept.
     *
     * @return the totals, or null when nothing is kept
     */
    EvaluatorAccumulators.Totals totals() {
        return totals;
    }

    /**
     * Returns the parameters without gradient kept.
     *
     * @return the copy, or null when nothing is kept or the model has no such parameters
     */
    ForwardState forwardState() {
        return forwardState;
    }

    /** Frees the parameters kept; the totals stay. */
    void free() {
        if (forwardState != null) {
            forwardState.close();
            forwardState = null;
        }
    }

    /** Copies the parameters a forward pass changes by itself, for the next batch's save. */
    private void copyForwardState(Trainer trainer) {
        ParameterNames names = null;
        if (modelHasForwardState == null) {
            names = ParameterNames.of(trainer.getModel().getBlock());
            modelHasForwardState = ForwardState.existsIn(names);
        }
        if (!modelHasForwardState) {
            return;
        }
        if (names == null) {
            names = ParameterNames.of(trainer.getModel().getBlock());
        }
        free();
        forwardState = ForwardState.copy(trainer, names);
    }
}
