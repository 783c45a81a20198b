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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
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

    @Test
    void adamStateMissingOneMomentIsRefusedNamingIt() throws Exception {
        IncompatibleCheckpointException e =
                restoreIncomplete(OptimizerKind.ADAM, "means/0/01Linear_weight", null, 1);
        assertTrue(e.getMessage().contains("missing [means/0/01Linear_weight]"), e.getMessage());
    }

    @Test
    void adamStateMissingAnUpdateCountIsRefusedNamingIt() throws Exception {
        IncompatibleCheckpointException e =
                restoreIncomplete(OptimizerKind.ADAM, null, "updateCount/04Linear_bias", 1);
        assertTrue(e.getMessage().contains("missing [updateCount/04Linear_bias]"), e.getMessage());
    }

    @Test
    void sgdMomentumStateMissingIsRefusedNamingIt() throws Exception {
        IncompatibleCheckpointException e =
                restoreIncomplete(
                        OptimizerKind.SGD_MOMENTUM, "momentumStates/0/04Linear_weight", null, 1);
        assertTrue(
                e.getMessage().contains("missing [momentumStates/0/04Linear_weight]"),
                e.getMessage());
    }

    @Test
    void stateSavedOnOneDeviceIsRefusedOnTwoNamingTheMissingReplicas() throws Exception {
        IncompatibleCheckpointException e = restoreIncomplete(OptimizerKind.ADAM, null, null, 2);
        for (String slot : List.of("means", "variances")) {
            for (String parameter :
                    List.of(
                            "01Linear_weight",
                            "01Linear_bias",
                            "04Linear_weight",
                            "04Linear_bias")) {
                String key = slot + "/1/" + parameter;
                assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
            }
        }
        assertTrue(!e.getMessage().contains("/0/"), e.getMessage());
    }

    @Test
    void momentumStateForAnSgdWithoutMomentumIsRefused() throws Exception {
        try (TinyTraining momentum = new TinyTraining(OptimizerKind.SGD_MOMENTUM, 1);
                TinyTraining plain = new TinyTraining(OptimizerKind.SGD, 2)) {
            momentum.train(TrainingProgress.start(3), 2);
            try (TrainingSnapshot snapshot = momentum.snapshot(TrainingProgress.start(3))) {
                IncompatibleCheckpointException e =
                        assertThrows(
                                IncompatibleCheckpointException.class,
                                () -> snapshot.restoreInto(plain.trainer()));
                assertTrue(e.getMessage().contains("no momentum"), e.getMessage());
            }
        }
    }

    @Test
    void stateOfAParameterNeverUpdatedMayBeAbsent() throws Exception {
        // Before the first step no parameter has state: restoring that is exact, and accepted.
        try (TinyTraining fresh = new TinyTraining(OptimizerKind.ADAM, 1);
                TinyTraining trained = new TinyTraining(OptimizerKind.ADAM, 2)) {
            trained.train(TrainingProgress.start(3), 2);
            try (TrainingSnapshot snapshot = fresh.snapshot(TrainingProgress.start(3))) {
                assertEquals(0, snapshot.getOptimizerState().getTensors().size());
                snapshot.restoreInto(trained.trainer());
            }
            Optimizer optimizer = DjlInternals.optimizerOf(trained.trainer());
            assertTrue(DjlInternals.updateCounts(optimizer).isEmpty());
            assertTrue(DjlInternals.stateMap(Adam.class, "means", optimizer).isEmpty());
        }
    }

    /**
     * Captures the state of a run after two steps, leaves out one tensor or counter, and restores
     * it with {@code devices} devices (the second a device the check refuses before any copy),
     * expecting a refusal that leaves the optimizer untouched.
     */
    private static IncompatibleCheckpointException restoreIncomplete(
            OptimizerKind kind, String droppedTensor, String droppedCounter, int devices)
            throws Exception {
        try (TinyTraining saved = new TinyTraining(kind, 1);
                TinyTraining target = new TinyTraining(kind, 2)) {
            saved.train(TrainingProgress.start(3), 2);
            target.train(TrainingProgress.start(4), 1);
            try (TrainingSnapshot snapshot = saved.snapshot(TrainingProgress.start(3))) {
                OptimizerState full = snapshot.getOptimizerState();
                try (OptimizerState state = partialCopy(full, droppedTensor, droppedCounter)) {
                    assertEquals(
                            full.getTensors().size() - (droppedTensor == null ? 0 : 1),
                            state.getTensors().size(),
                            "the dropped tensor exists");
                    assertEquals(
                            full.getCounters().size() - (droppedCounter == null ? 0 : 1),
                            state.getCounters().size(),
                            "the dropped counter exists");
                    Device[] trainerDevices = target.trainer().getDevices();
                    Device[] restoreDevices =
                            devices == 1
                                    ? trainerDevices
                                    : new Device[] {trainerDevices[0], Device.of("cpu", 7)};
                    Optimizer optimizer = DjlInternals.optimizerOf(target.trainer());
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
                                                                    target.trainer()
                                                                            .getModel()
                                                                            .getBlock()),
                                                            restoreDevices,
                                                            target.trainer().getManager()));
                    assertEquals(countsBefore, DjlInternals.updateCounts(optimizer), "untouched");
                    return e;
                }
            }
        }
    }

    private static OptimizerState partialCopy(
            OptimizerState full, String droppedTensor, String droppedCounter) {
        OptimizerState.Builder partial = OptimizerState.builder(full.getOptimizerClass());
        full.getCounters()
                .forEach(
                        (name, value) -> {
                            if (!name.equals(droppedCounter)) {
                                partial.addCounter(name, value);
                            }
                        });
        full.getTensors()
                .forEach(
                        (name, value) -> {
                            if (!name.equals(droppedTensor)) {
                                partial.addTensorCopy(name, value);
                            }
                        });
        return partial.build();
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
