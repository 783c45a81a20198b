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
import ai.djl.nn.Parameter;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;

/**
 * Pins the private DJL fields training checkpoints read and write: if DJL renames, retypes or
 * removes one, these tests fail with the field's name.
 */
class DjlInternalsTest {

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ai.djl.training.optimizer.Optimizer | updateCounts |"
                        + " java.util.Map<java.lang.String, java.lang.Integer>",
                "ai.djl.training.optimizer.Optimizer | numUpdate | int",
                "ai.djl.training.optimizer.Adam | means | java.util.Map<java.lang.String,"
                        + " java.util.Map<ai.djl.Device, ai.djl.ndarray.NDArray>>",
                "ai.djl.training.optimizer.Adam | variances | java.util.Map<java.lang.String,"
                        + " java.util.Map<ai.djl.Device, ai.djl.ndarray.NDArray>>",
                "ai.djl.training.optimizer.AdamW | means | java.util.Map<java.lang.String,"
                        + " java.util.Map<ai.djl.Device, ai.djl.ndarray.NDArray>>",
                "ai.djl.training.optimizer.AdamW | variances | java.util.Map<java.lang.String,"
                        + " java.util.Map<ai.djl.Device, ai.djl.ndarray.NDArray>>",
                "ai.djl.training.optimizer.Sgd | momentum | float",
                "ai.djl.training.optimizer.Sgd | momentumStates | java.util.Map<java.lang.String,"
                        + " java.util.Map<ai.djl.Device, ai.djl.ndarray.NDArray>>",
                "ai.djl.training.Trainer | parameterStore | ai.djl.training.ParameterStore",
                "ai.djl.training.evaluator.Evaluator | totalInstances |"
                        + " java.util.Map<java.lang.String, java.lang.Long>",
                "ai.djl.training.evaluator.AbstractAccuracy | correctInstances |"
                        + " java.util.Map<java.lang.String, java.lang.Long>",
                "ai.djl.training.loss.Loss | totalLoss |"
                        + " java.util.Map<java.lang.String, java.lang.Float>",
                "ai.djl.training.ParameterStore | parameterServer |"
                        + " ai.djl.training.ParameterServer",
                "ai.djl.training.ParameterStore | parameterMap | java.util.Map<java.lang.String,"
                        + " ai.djl.training.ParameterStore$ParameterData>",
                "ai.djl.training.ParameterStore | deviceMap | java.util.Map<ai.djl.Device,"
                        + " java.lang.Integer>",
                "ai.djl.training.ParameterStore$ParameterData | list |"
                        + " java.util.List<ai.djl.ndarray.NDArray>",
                "ai.djl.training.LocalParameterServer | optimizer |"
                        + " ai.djl.training.optimizer.Optimizer",
                "ai.djl.training.dataset.RandomAccessDataset | sampler |"
                        + " ai.djl.training.dataset.Sampler",
                "ai.djl.training.listener.EpochTrainingListener | numEpochs | int",
                "ai.djl.training.loss.AbstractCompositeLoss | components |"
                        + " java.util.List<ai.djl.training.loss.Loss>",
                "ai.djl.training.listener.EvaluatorTrainingListener | latestEvaluations |"
                        + " java.util.Map<java.lang.String, java.lang.Float>",
            })
    void privateFieldHasTheExpectedType(String className, String fieldName, String type)
            throws Exception {
        Field field = Class.forName(className).getDeclaredField(fieldName);
        Type generic = field.getGenericType();
        String actual =
                generic instanceof ParameterizedType
                        ? generic.getTypeName()
                        : ((Class<?>) generic).getName();
        assertEquals(type, actual);
    }

    @Test
    void readsTheLiveStateOfARealTrainer() throws Exception {
        try (TinyTraining run = new TinyTraining(TinyTraining.OptimizerKind.ADAM, 1)) {
            run.train(TrainingProgress.start(1), 2);
            Trainer trainer = run.trainer();
            Optimizer optimizer = DjlInternals.optimizerOf(trainer);
            assertTrue(optimizer instanceof Adam);
            assertEquals(2, DjlInternals.numUpdate(optimizer));
            ParameterNames names = ParameterNames.of(trainer.getModel().getBlock());
            Parameter weight = names.parameters().get("01Linear_weight");
            assertEquals(2, DjlInternals.updateCounts(optimizer).get(weight.getId()));
            Map<String, Map<Device, NDArray>> means =
                    DjlInternals.stateMap(Adam.class, "means", optimizer);
            assertEquals(4, means.size());
            List<NDArray> replicas = DjlInternals.replicasOf(trainer, weight.getId());
            assertEquals(1, replicas.size());
            assertSame(weight.getArray(), replicas.get(0), "single CPU device trains in place");
            assertTrue(DjlInternals.samplerOf(run.dataset()) instanceof BatchSampler);
        }
        try (TinyTraining plain = new TinyTraining(TinyTraining.OptimizerKind.SGD, 1);
                TinyTraining momentum =
                        new TinyTraining(TinyTraining.OptimizerKind.SGD_MOMENTUM, 1)) {
            assertEquals(
                    0f, DjlInternals.momentumOf((Sgd) DjlInternals.optimizerOf(plain.trainer())));
            assertEquals(
                    0.9f,
                    DjlInternals.momentumOf((Sgd) DjlInternals.optimizerOf(momentum.trainer())));
        }
    }

    @Test
    void aFieldThatDoesNotExistIsNamedInTheError() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> DjlInternals.read(Sgd.class, "velocity", null));
        assertTrue(
                e.getMessage().contains("ai.djl.training.optimizer.Sgd.velocity"), e.getMessage());
    }

    @Test
    void builtInSlotsExistOnEveryBuiltInOptimizer() {
        // The classes the built-in adapter claims; AdamW is not a subclass of Adam in DJL 0.36.
        assertEquals(Optimizer.class, AdamW.class.getSuperclass());
        assertEquals(Optimizer.class, Adam.class.getSuperclass());
        assertEquals(Optimizer.class, Sgd.class.getSuperclass());
        assertEquals(Object.class, LocalParameterServer.class.getSuperclass());
        assertEquals(Object.class, ParameterStore.class.getSuperclass());
        assertEquals(Object.class, RandomAccessDataset.class.getSuperclass());
    }
}
