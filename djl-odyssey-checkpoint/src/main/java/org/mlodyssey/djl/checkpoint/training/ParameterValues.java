/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;

/**
 * Reads and writes the values of a model's parameters by stable name ({@link ParameterNames}).
 *
 * <p>Writes happen in place: the arrays the trainer trains keep their identity and their attached
 * gradients ({@link Parameter#setArray} refuses an initialized parameter, and replacing arrays
 * would detach them from the trainer). With several devices, every replica the trainer holds is
 * written.
 */
public final class ParameterValues {

    private ParameterValues() {}

    /**
     * Copies the values of every initialized parameter into host memory.
     *
     * @param names the model's parameter names
     * @param manager the manager the copies are attached to
     * @return copies by name, in the block's order
     */
    public static Map<String, NDArray> copyToHost(ParameterNames names, NDManager manager) {
        return copyToHost(names, manager, null);
    }

    static Map<String, NDArray> copyToHost(
            ParameterNames names, NDManager manager, HostArrayPool pool) {
        Map<String, NDArray> copies = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
            Parameter parameter = entry.getValue();
            if (!parameter.isInitialized()) {
                throw new IllegalStateException(
                        "Parameter '" + entry.getKey() + "' is not initialized");
            }
            NDArray copy = HostCopies.copy(parameter.getArray(), manager, pool);
            copy.setName(entry.getKey());
            copies.put(entry.getKey(), copy);
        }
        return copies;
    }

    /**
     * Compares saved values with a model's parameters without writing anything.
     *
     * @param names the model's parameter names
     * @param values saved values by name
     * @return what a load would find; {@code loaded} lists what a lenient load would write
     */
    public static ParameterLoadReport compare(ParameterNames names, Map<String, NDArray> values) {
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
            String name = entry.getKey();
            NDArray value = values.get(name);
            if (value == null) {
                missing.add(name);
                continue;
            }
            NDArray current = entry.getValue().getArray();
            if (!current.getShape().equals(value.getShape())
                    || current.getDataType() != value.getDataType()) {
                mismatched.add(
                        name
                                + ": saved "
                                + value.getDataType()
                                + value.getShape()
                                + ", model "
                                + current.getDataType()
                                + current.getShape());
            } else {
                loaded.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : values.keySet()) {
            if (!names.contains(name)) {
                unexpected.add(name);
            }
        }
        return new ParameterLoadReport(loaded, missing, unexpected, mismatched);
    }

    /**
     * Writes saved values into the parameters a trainer trains, on every replica.
     *
     * @param trainer the trainer, initialized
     * @param values saved values by name, on any device
     * @param mode {@link ParameterLoadMode#STRICT} to refuse any difference before writing
     * @return what was written and what did not match
     * @throws ParameterMismatchException in strict mode if anything does not match
     */
    public static ParameterLoadReport load(
            Trainer trainer, Map<String, NDArray> values, ParameterLoadMode mode) {
        Objects.requireNonNull(trainer, "trainer");
        ParameterNames names = ParameterNames.of(trainer.getModel().getBlock());
        return load(names, trainer, values, mode, "snapshot");
    }

    static ParameterLoadReport load(
            ParameterNames names,
            Trainer trainer,
            Map<String, NDArray> values,
            ParameterLoadMode mode,
            String source) {
        Objects.requireNonNull(mode, "mode");
        ParameterLoadReport report = compare(names, values);
        if (mode == ParameterLoadMode.STRICT && !report.isExactMatch()) {
            throw new ParameterMismatchException(source, report);
        }
        for (String name : report.loaded()) {
            Parameter parameter = names.parameters().get(name);
            NDArray value = values.get(name);
            List<NDArray> targets = new ArrayList<>();
            targets.add(parameter.getArray());
            if (trainer != null) {
                for (NDArray replica : DjlInternals.replicasOf(trainer, parameter.getId())) {
                    if (targets.stream().noneMatch(t -> t == replica)) {
                        targets.add(replica);
                    }
                }
            }
            for (NDArray target : targets) {
                // NDArray.copyTo gives the existing array (the same object, on its device) the
                // values; on PyTorch's CPU engine it does so by swapping the tensor's storage
                // (PtNDArray.set), so a view taken before the restore keeps the old values.
                value.copyTo(target);
            }
        }
        return report;
    }
}
