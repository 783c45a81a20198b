/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.BoundingBoxError;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SimpleCompositeLoss;
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
            String name = loss.getName();
            for (String bad :
                    new String[] {
                        "{\"" + name + "\": 1}",
                        "{\"" + name + "\": {\"totalInstances\": [1]}}",
                        "{\"" + name + "\": {\"totalInstances\": {\"k\": {}}}}"
                    }) {
                IncompatibleCheckpointException e =
                        assertThrows(
                                IncompatibleCheckpointException.class,
                                () -> EvaluatorAccumulators.restore(run.trainer(), bad),
                                bad);
                assertTrue(e.getMessage().contains(name), e.getMessage());
            }
        }
    }

    /** A trainer of a small linear model with one evaluator as its loss, its accumulator added. */
    private static Trainer trainerWith(Model model, Loss loss) {
        model.setBlock(Linear.builder().setUnits(2).build());
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss));
        trainer.initialize(new Shape(3, 4));
        return trainer;
    }

    @Test
    void aCompositeLossTotalsAreItsComponentsAndComeBackExactly() {
        String key = EvaluatorTrainingListener.TRAIN_EPOCH;
        SimpleCompositeLoss loss =
                new SimpleCompositeLoss("composite")
                        .addLoss(Loss.l2Loss("l2"))
                        .addLoss(Loss.l1Loss("l1"));
        try (Model model = Model.newInstance("composite");
                Trainer trainer = trainerWith(model, loss)) {
            NDManager manager = trainer.getManager();
            loss.addAccumulator(key);
            loss.updateAccumulator(
                    key,
                    new NDList(manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2))),
                    new NDList(manager.create(new float[] {0.5f, 2, 1, 7}, new Shape(2, 2))));
            float before = loss.getAccumulator(key);
            String captured = EvaluatorAccumulators.capture(trainer);
            loss.resetAccumulator(key);
            assertNotEquals(before, loss.getAccumulator(key));
            EvaluatorAccumulators.restore(trainer, captured);
            assertEquals(before, loss.getAccumulator(key));
            assertEquals(captured, EvaluatorAccumulators.capture(trainer));
        }
    }

    @Test
    void anEvaluatorWithTotalsOfItsOwnIsRefusedByName() {
        try (Model model = Model.newInstance("bbox");
                Trainer trainer = trainerWith(model, Loss.l2Loss())) {
            trainer.getEvaluators().clear();
            trainer.getEvaluators().add(new BoundingBoxError("bbox"));
            UnsupportedEvaluatorException e =
                    assertThrows(
                            UnsupportedEvaluatorException.class,
                            () -> EvaluatorAccumulators.capture(trainer));
            assertEquals("bbox", e.getEvaluator());
            assertTrue(e.getMessage().contains("ssdBoxPredictionError"), e.getMessage());
            assertThrows(
                    UnsupportedEvaluatorException.class,
                    () -> EvaluatorAccumulators.restore(trainer, "{}"));
        }
    }
}
