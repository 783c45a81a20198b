/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/** Strict and lenient parameter loading, written in place. */
class ParameterValuesTest {

    private TinyTraining run;
    private NDManager manager;
    private Map<String, NDArray> saved;

    @BeforeEach
    void setUp() {
        run = new TinyTraining(OptimizerKind.ADAM, 1);
        manager = NDManager.newBaseManager();
        saved = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : names().parameters().entrySet()) {
            Shape shape = entry.getValue().getArray().getShape();
            saved.put(entry.getKey(), manager.full(shape, 0.5f));
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
        run.close();
    }

    private ParameterNames names() {
        return ParameterNames.of(run.trainer().getModel().getBlock());
    }

    @Test
    void exactMatchIsWrittenInPlaceKeepingArraysAndGradients() {
        Parameter weight = names().parameters().get("01Linear_weight");
        NDArray before = weight.getArray();
        ParameterLoadReport report =
                ParameterValues.load(run.trainer(), saved, ParameterLoadMode.STRICT);
        assertTrue(report.isExactMatch());
        assertEquals(List.copyOf(saved.keySet()), report.loaded());
        assertSame(before, weight.getArray());
        assertTrue(weight.getArray().hasGradient());
        assertArrayEquals(saved.get("01Linear_weight").toFloatArray(), before.toFloatArray());
    }

    @Test
    void strictLoadRefusesMissingUnexpectedAndMismatchedWithoutWriting() {
        float[] original = names().parameters().get("04Linear_bias").getArray().toFloatArray();
        saved.remove("01Linear_bias");
        saved.put("05Linear_weight", manager.zeros(new Shape(1)));
        saved.put("01Linear_weight", manager.zeros(new Shape(16, 5)));
        saved.put("04Linear_weight", manager.zeros(new Shape(3, 16), DataType.FLOAT64));
        ParameterMismatchException e =
                assertThrows(
                        ParameterMismatchException.class,
                        () -> ParameterValues.load(run.trainer(), saved, ParameterLoadMode.STRICT));
        ParameterLoadReport report = e.getReport();
        assertEquals(List.of("01Linear_bias"), report.missing());
        assertEquals(List.of("05Linear_weight"), report.unexpected());
        assertEquals(
                List.of(
                        "01Linear_weight: saved float32(16, 5), model float32(16, 6)",
                        "04Linear_weight: saved float64(3, 16), model float32(3, 16)"),
                report.mismatched());
        assertTrue(e.getMessage().contains("05Linear_weight"), e.getMessage());
        assertArrayEquals(
                original, names().parameters().get("04Linear_bias").getArray().toFloatArray());
    }

    @Test
    void lenientLoadWritesWhatMatchesAndReportsTheRest() {
        saved.remove("01Linear_bias");
        saved.put("extra", manager.zeros(new Shape(1)));
        ParameterLoadReport report =
                ParameterValues.load(run.trainer(), saved, ParameterLoadMode.LENIENT);
        assertEquals(
                List.of("01Linear_weight", "04Linear_weight", "04Linear_bias"), report.loaded());
        assertEquals(List.of("01Linear_bias"), report.missing());
        assertEquals(List.of("extra"), report.unexpected());
        assertArrayEquals(
                saved.get("04Linear_bias").toFloatArray(),
                names().parameters().get("04Linear_bias").getArray().toFloatArray());
    }

    @Test
    void hostCopyIsNotAViewOfTheParameter() {
        Map<String, NDArray> copies = ParameterValues.copyToHost(names(), manager);
        float[] copied = copies.get("01Linear_weight").toFloatArray();
        ParameterValues.load(run.trainer(), saved, ParameterLoadMode.STRICT);
        assertArrayEquals(copied, copies.get("01Linear_weight").toFloatArray());
    }

    @Test
    void everyReplicaInTheParameterStoreIsWritten() throws Exception {
        // A trainer cannot hold two CPU devices (Device.of("cpu", n) is always Device.cpu(), and
        // DJL refuses duplicated devices), so on one CPU the only replica is the parameter's own
        // array. To exercise the replica loop, add a separate array to each parameter's replica
        // list in the parameter store, as a second device would have.
        run.train(TrainingProgress.start(3), 1);
        Map<String, NDArray> extra = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Parameter> entry : names().parameters().entrySet()) {
                List<NDArray> list = liveReplicaList(entry.getValue());
                assertEquals(1, list.size(), "one device: " + entry.getKey());
                NDArray replica = entry.getValue().getArray().duplicate();
                extra.put(entry.getKey(), replica);
                synchronized (list) {
                    list.add(replica);
                }
            }
            ParameterValues.load(run.trainer(), saved, ParameterLoadMode.STRICT);
            for (Map.Entry<String, NDArray> entry : extra.entrySet()) {
                assertArrayEquals(
                        saved.get(entry.getKey()).toByteArray(),
                        entry.getValue().toByteArray(),
                        "replica of " + entry.getKey());
            }
        } finally {
            for (Map.Entry<String, Parameter> entry : names().parameters().entrySet()) {
                List<NDArray> list = liveReplicaList(entry.getValue());
                synchronized (list) {
                    list.removeIf(a -> a == extra.get(entry.getKey()));
                }
            }
        }
    }

    private List<NDArray> liveReplicaList(Parameter parameter) {
        Object store =
                DjlInternals.read(ai.djl.training.Trainer.class, "parameterStore", run.trainer());
        Map<String, Object> map =
                DjlInternals.read(ai.djl.training.ParameterStore.class, "parameterMap", store);
        Object data = map.get(parameter.getId());
        return DjlInternals.read(data.getClass(), "list", data);
    }
}
