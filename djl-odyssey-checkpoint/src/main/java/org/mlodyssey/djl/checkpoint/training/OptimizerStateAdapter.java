/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;

/**
 * Captures and restores the state of one kind of optimizer, naming parameters by their stable names
 * ({@link ParameterNames}) rather than by their per-run ids.
 *
 * <p>Implement it for your own optimizer and register it with {@link
 * OptimizerStateAdapters#with(OptimizerStateAdapter)}. A restore followed by the same updates must
 * give the same values, bit for bit, as the optimizer that was captured.
 */
public interface OptimizerStateAdapter {

    /**
     * Tells whether this adapter handles an optimizer.
     *
     * @param optimizer the optimizer
     * @return true if {@link #capture} and {@link #restore} work for it
     */
    boolean supports(Optimizer optimizer);

    /**
     * Captures the state of an optimizer as host-memory copies.
     *
     * <p>An implementation that fails after creating an {@link OptimizerState.Builder} calls {@link
     * OptimizerState.Builder#abort()} before throwing, so that its copies are freed.
     *
     * @param optimizer the optimizer
     * @param names the stable names of the model's parameters
     * @param devices the trainer's devices; a tensor kept per device is named by its index here
     * @return the state, which the caller closes
     */
    OptimizerState capture(Optimizer optimizer, ParameterNames names, Device[] devices);

    /**
     * Captures the state of an optimizer as host-memory copies, taking them from a pool where it
     * can hold them ({@link OptimizerState#builder(String, HostArrayPool)}). The default ignores
     * the pool and makes fresh copies.
     *
     * @param optimizer the optimizer
     * @param names the stable names of the model's parameters
     * @param devices the trainer's devices; a tensor kept per device is named by its index here
     * @param pool the pool of reusable host arrays
     * @return the state, which the caller closes
     */
    default OptimizerState capture(
            Optimizer optimizer, ParameterNames names, Device[] devices, HostArrayPool pool) {
        return capture(optimizer, names, devices);
    }

    /**
     * Replaces the state of an optimizer with a captured one.
     *
     * @param optimizer the optimizer, freshly built with the same settings
     * @param state the captured state
     * @param names the stable names of the model's parameters in this run
     * @param devices the trainer's devices in this run
     * @param manager the manager the restored tensors are attached to (the trainer's)
     * @throws IncompatibleCheckpointException if the state does not fit the optimizer or model
     */
    void restore(
            Optimizer optimizer,
            OptimizerState state,
            ParameterNames names,
            Device[] devices,
            NDManager manager);
}
