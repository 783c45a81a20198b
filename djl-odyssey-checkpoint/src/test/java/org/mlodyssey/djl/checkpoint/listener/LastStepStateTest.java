/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.internal.ForwardState;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.training.EvaluatorAccumulators;

/**
 * Tests {@link LastStepState}: the copy of a trainer's state after the last step (parameters
 * without gradient, evaluator totals) that the next {@code EasyTrain.fit} save uses, and what
 * freeing it releases.
 */
class LastStepStateTest {

    private static final Shape INPUT = new Shape(4, 3);

    private static Block withBatchNorm() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(2).build())
                .add(BatchNorm.builder().build());
    }

    /** A training forward pass: batch normalization updates its running statistics. */
    private static void forward(Trainer trainer) {
        trainer.forward(new NDList(trainer.getManager().randomNormal(INPUT)));
    }

    private static float[] runningMean(Trainer trainer) {
        for (Map.Entry<String, Parameter> e :
                ParameterNames.of(trainer.getModel().getBlock()).parameters().entrySet()) {
            if (e.getKey().endsWith("runningMean")) {
                return e.getValue().getArray().toFloatArray();
            }
        }
        throw new AssertionError("no running mean");
    }

    private static float[] keptRunningMean(ForwardState kept) {
        for (Map.Entry<String, NDArray> e : kept.values().entrySet()) {
            if (e.getKey().endsWith("runningMean")) {
                return e.getValue().toFloatArray();
            }
        }
        throw new AssertionError("no running mean kept");
    }

    @Test
    void keepsTheParametersWithoutGradientAsTheyWereAtTheStep() {
        try (Model model = Model.newInstance("last-step-bn")) {
            model.setBlock(withBatchNorm());
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                trainer.initialize(INPUT);
                forward(trainer);
                float[] atStep = runningMean(trainer);
                LastStepState state = new LastStepState();

                state.keep(trainer);
                ForwardState kept = state.forwardState();
                assertNotNull(kept);
                assertNotNull(state.totals());
                forward(trainer); // the next batch's forward pass, before the listener hears of it
                assertFalse(Arrays.equals(atStep, runningMean(trainer)));
                assertArrayEquals(atStep, keptRunningMean(kept));

                state.keep(trainer); // the copy kept before is freed
                assertTrue(kept.values().values().iterator().next().isReleased());
                assertArrayEquals(runningMean(trainer), keptRunningMean(state.forwardState()));

                ForwardState second = state.forwardState();
                state.drop();
                assertNull(state.totals());
                assertNull(state.forwardState());
                assertTrue(second.values().values().iterator().next().isReleased());
            }
        }
    }

    @Test
    void freeReleasesTheParametersAndKeepsTheTotals() {
        try (Model model = Model.newInstance("last-step-free")) {
            model.setBlock(withBatchNorm());
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                trainer.initialize(INPUT);
                LastStepState state = new LastStepState();
                state.keep(trainer);
                ForwardState kept = state.forwardState();

                state.free();
                assertNull(state.forwardState());
                assertNotNull(state.totals());
                assertTrue(kept.values().values().iterator().next().isReleased());
                state.free(); // again: nothing to free
            }
        }
    }

    @Test
    void aModelWithoutSuchParametersKeepsOnlyTheTotals() {
        try (Model model = Model.newInstance("last-step-linear")) {
            model.setBlock(Linear.builder().setUnits(2).build());
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                trainer.initialize(INPUT);
                LastStepState state = new LastStepState();

                state.keep(trainer);
                state.keep(trainer);
                assertNotNull(state.totals());
                assertNull(state.forwardState());
                assertEquals(state.totals().toJson(), EvaluatorAccumulators.capture(trainer));
            }
        }
    }
}
