/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Adagrad;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/** Which optimizers can be captured, and how the others fail. */
class OptimizerStateAdaptersTest {

    @Test
    void builtInAdapterClaimsExactlyAdamAdamWAndSgd() {
        OptimizerStateAdapters adapters = OptimizerStateAdapters.builtIn();
        adapters.forOptimizer(Optimizer.adam().build());
        adapters.forOptimizer(Optimizer.adamW().build());
        adapters.forOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
        UnsupportedOptimizerException e =
                assertThrows(
                        UnsupportedOptimizerException.class,
                        () -> adapters.forOptimizer(Optimizer.adagrad().build()));
        assertEquals(Adagrad.class.getName(), e.getOptimizerClass());
        assertTrue(e.getMessage().contains("ai.djl.training.optimizer.Adagrad"), e.getMessage());
    }

    @Test
    void subclassOfABuiltInOptimizerIsRefusedByName() {
        Optimizer custom = new CountingOptimizer();
        UnsupportedOptimizerException e =
                assertThrows(
                        UnsupportedOptimizerException.class,
                        () -> OptimizerStateAdapters.builtIn().forOptimizer(custom));
        assertTrue(e.getMessage().contains(CountingOptimizer.class.getName()), e.getMessage());
    }

    @Test
    void registeredAdapterTakesPartAndIsAskedFirst() {
        OptimizerStateAdapter adapter = new CountingOptimizerAdapter();
        OptimizerStateAdapters adapters = OptimizerStateAdapters.builtIn().with(adapter);
        assertSame(adapter, adapters.forOptimizer(new CountingOptimizer()));
        CountingOptimizer original = new CountingOptimizer();
        original.calls = 41;
        try (OptimizerState state = adapter.capture(original, null, new Device[0])) {
            CountingOptimizer fresh = new CountingOptimizer();
            try (NDManager manager = NDManager.newBaseManager()) {
                adapter.restore(fresh, state, null, new Device[0], manager);
            }
            assertEquals(41, fresh.calls);
        }
    }

    @Test
    void optimizerStateOfAnotherClassIsRefused() throws Exception {
        try (TinyTraining adam = new TinyTraining(OptimizerKind.ADAM, 1);
                TinyTraining sgd = new TinyTraining(OptimizerKind.SGD_MOMENTUM, 1)) {
            adam.train(TrainingProgress.start(3), 2);
            try (TrainingSnapshot snapshot = adam.snapshot(TrainingProgress.start(3))) {
                IncompatibleCheckpointException e =
                        assertThrows(
                                IncompatibleCheckpointException.class,
                                () -> snapshot.restoreInto(sgd.trainer()));
                assertTrue(e.getMessage().contains(Adam.class.getName()), e.getMessage());
                assertTrue(e.getMessage().contains(Sgd.class.getName()), e.getMessage());
            }
        }
    }

    @Test
    void optimizerTensorWithWrongShapeIsRefusedByName() throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.SGD_MOMENTUM, 1);
                NDManager manager = NDManager.newBaseManager()) {
            run.train(TrainingProgress.start(3), 1);
            NDArray wrong = manager.zeros(new ai.djl.ndarray.types.Shape(2, 2));
            try (OptimizerState state =
                    OptimizerState.builder(Sgd.class.getName())
                            .addCounter("numUpdate", 1)
                            .addTensorCopy("momentumStates/0/01Linear_weight", wrong)
                            .build()) {
                Optimizer optimizer = DjlInternals.optimizerOf(run.trainer());
                Map<String, Integer> countsBefore =
                        Map.copyOf(DjlInternals.updateCounts(optimizer));
                IncompatibleCheckpointException e =
                        assertThrows(
                                IncompatibleCheckpointException.class,
                                () ->
                                        OptimizerStateAdapters.builtIn()
                                                .forOptimizer(optimizer)
                                                .restore(
                                                        optimizer,
                                                        state,
                                                        ParameterNames.of(
                                                                run.trainer()
                                                                        .getModel()
                                                                        .getBlock()),
                                                        run.trainer().getDevices(),
                                                        run.trainer().getManager()));
                assertTrue(
                        e.getMessage().contains("momentumStates/0/01Linear_weight"),
                        e.getMessage());
                assertEquals(countsBefore, DjlInternals.updateCounts(optimizer), "untouched");
            }
        }
    }

    /** A user optimizer with state of its own: a call counter. */
    static final class CountingOptimizer extends Sgd {
        int calls;

        CountingOptimizer() {
            super(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)));
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            calls++;
            super.update(parameterId, weight, grad);
        }
    }

    /** The adapter a user would write for {@link CountingOptimizer}. */
    static final class CountingOptimizerAdapter implements OptimizerStateAdapter {

        @Override
        public boolean supports(Optimizer optimizer) {
            return optimizer instanceof CountingOptimizer;
        }

        @Override
        public OptimizerState capture(Optimizer optimizer, ParameterNames names, Device[] devices) {
            return OptimizerState.builder(optimizer.getClass().getName())
                    .addCounter("calls", ((CountingOptimizer) optimizer).calls)
                    .build();
        }

        @Override
        public void restore(
                Optimizer optimizer,
                OptimizerState state,
                ParameterNames names,
                Device[] devices,
                NDManager manager) {
            ((CountingOptimizer) optimizer).calls = (int) state.counter("calls");
        }
    }
}
