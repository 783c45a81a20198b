/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/**
 * A copy of the parameters a training forward pass changes by itself, without a step: those that
 * take no gradient, such as batch normalization's running mean and variance.
 *
 * <p>DJL's {@code EasyTrain.fit} tells listeners of a batch after its forward pass and before its
 * step, so a checkpoint taken there of the steps completed must hold these parameters as they were
 * before that forward pass: the checkpoint listener copies them at each batch and puts the copy
 * taken one batch earlier into the snapshot ({@link TrainingSnapshot#capture(Trainer,
 * TrainingProgress, OptimizerStateAdapters, HostArrayPool, ForwardState)}).
 */
public final class ForwardState implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> values;

    private ForwardState(NDManager manager, Map<String, NDArray> values) {
        this.manager = manager;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Copies a trainer's parameters that take no gradient, on their device.
     *
     * @param trainer the trainer
     * @param names the model's parameter names
     * @return the copy, empty for a model without such parameters
     */
    public static ForwardState copy(Trainer trainer, ParameterNames names) {
        NDManager manager = trainer.getManager().newSubManager();
        Map<String, NDArray> values = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
            Parameter p = entry.getValue();
            if (!p.requiresGradient() && p.isInitialized()) {
                NDArray copy = p.getArray().duplicate();
                copy.attach(manager);
                values.put(entry.getKey(), copy);
            }
        }
        return new ForwardState(manager, values);
    }

    /**
     * Tells whether a model has parameters that take no gradient.
     *
     * @param names the model's parameter names
     * @return true if a forward pass may change parameters by itself
     */
    public static boolean existsIn(ParameterNames names) {
        for (Parameter p : names.parameters().values()) {
            if (!p.requiresGradient()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the copied values by stable parameter name.
     *
     * @return the values
     */
    public Map<String, NDArray> values() {
        return values;
    }

    /** Frees the copy. */
    @Override
    public void close() {
        manager.close();
    }
}
