/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.training.EasyTrain;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/** {@link EvaluatorAccumulators} round trips DJL's running totals exactly. */
class EvaluatorAccumulatorsTest {

    @Test
    void capturedTotalsComeBackExactlyAfterAReset() throws Exception {
        try (TinyTraining run =
                new TinyTraining(
                        OptimizerKind.ADAM, 1, new ai.djl.Device[] {ai.djl.Device.cpu()}, true)) {
            EasyTrain.fit(run.trainer(), 1, run.dataset(), null);
            EasyTrain.trainBatch(
                    run.trainer(),
                    run.dataset().getData(run.trainer().getManager()).iterator().next());
            String captured = EvaluatorAccumulators.capture(run.trainer());
            Evaluator loss = run.trainer().getEvaluators().get(0);
            float before = loss.getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
            loss.resetAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
            assertNotEquals(before, loss.getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH));
            EvaluatorAccumulators.restore(run.trainer(), captured);
            assertEquals(before, loss.getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH));
            assertEquals(captured, EvaluatorAccumulators.capture(run.trainer()));
            loss.resetAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
            assertThrows(
                    IncompatibleCheckpointException.class,
                    () -> EvaluatorAccumulators.restore(run.trainer(), "[1]"));
        }
    }
}
