/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.training.optimizer.Optimizer;

/**
 * Thrown when the state of an optimizer cannot be captured or restored because no {@link
 * OptimizerStateAdapter} supports its class.
 */
public class UnsupportedOptimizerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The fully qualified name of the unsupported optimizer class. */
    private final String optimizerClass;

    /**
     * Creates an exception for an optimizer class.
     *
     * @param optimizerClass the class no adapter supports
     */
    public UnsupportedOptimizerException(Class<? extends Optimizer> optimizerClass) {
        super(
                "Cannot checkpoint the state of optimizer "
                        + optimizerClass.getName()
                        + ": built in are ai.djl.training.optimizer.Adam, AdamW and Sgd; register"
                        + " an OptimizerStateAdapter for others");
        this.optimizerClass = optimizerClass.getName();
    }

    /**
     * Returns the name of the optimizer class no adapter supports.
     *
     * @return the fully qualified class name
     */
    public String getOptimizerClass() {
        return optimizerClass;
    }
}
