/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The optimizer state adapters a checkpoint can use: the built-in one for DJL's {@code Adam},
 * {@code AdamW} and {@code Sgd}, and any added with {@link #with(OptimizerStateAdapter)}, which are
 * asked first.
 */
public final class OptimizerStateAdapters {

    private static final OptimizerStateAdapters BUILT_IN =
            new OptimizerStateAdapters(List.of(new BuiltInOptimizerStateAdapter()));

    private final List<OptimizerStateAdapter> adapters;

    private OptimizerStateAdapters(List<OptimizerStateAdapter> adapters) {
        this.adapters = Collections.unmodifiableList(adapters);
    }

    /**
     * Returns the adapters for DJL's built-in optimizers that work on the PyTorch engine.
     *
     * @return the built-in adapters
     */
    public static OptimizerStateAdapters builtIn() {
        return BUILT_IN;
    }

    /**
     * Returns these adapters plus one, which takes precedence over them.
     *
     * @param adapter the adapter to add
     * @return a new set of adapters
     */
    public OptimizerStateAdapters with(OptimizerStateAdapter adapter) {
        Objects.requireNonNull(adapter, "adapter");
        List<OptimizerStateAdapter> list = new ArrayList<>();
        list.add(adapter);
        list.addAll(adapters);
        return new OptimizerStateAdapters(list);
    }

    /**
     * Returns the first adapter that supports an optimizer.
     *
     * @param optimizer the optimizer
     * @return the adapter
     * @throws UnsupportedOptimizerException if none does, naming the optimizer's class
     */
    public OptimizerStateAdapter forOptimizer(Optimizer optimizer) {
        Objects.requireNonNull(optimizer, "optimizer");
        for (OptimizerStateAdapter adapter : adapters) {
            if (adapter.supports(optimizer)) {
                return adapter;
            }
        }
        throw new UnsupportedOptimizerException(optimizer.getClass());
    }

    /**
     * Returns the adapter for a trainer's optimizer, to find out before training whether its state
     * can be checkpointed.
     *
     * @param trainer the trainer
     * @return the adapter
     * @throws UnsupportedOptimizerException if no adapter supports the optimizer, naming the
     *     supported ones
     */
    public OptimizerStateAdapter forTrainer(Trainer trainer) {
        return forOptimizer(DjlInternals.optimizerOf(trainer));
    }
}
