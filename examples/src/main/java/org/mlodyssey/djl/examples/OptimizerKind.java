/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Locale;

/** The optimizers of {@code odyssey train}, each with a fixed learning rate. */
public enum OptimizerKind {
    /** Adam with DJL's defaults; learning rate 0.001 unless given. */
    ADAM(0.001f),
    /** SGD with momentum 0.9; learning rate 0.05 unless given. */
    SGD(0.05f);

    private final float defaultLearningRate;

    OptimizerKind(float defaultLearningRate) {
        this.defaultLearningRate = defaultLearningRate;
    }

    /**
     * Returns the learning rate used when none is given.
     *
     * @return the default learning rate
     */
    public float defaultLearningRate() {
        return defaultLearningRate;
    }

    /**
     * Builds the optimizer.
     *
     * @param learningRate the fixed learning rate
     * @return the optimizer
     */
    public Optimizer build(float learningRate) {
        Tracker lr = Tracker.fixed(learningRate);
        if (this == ADAM) {
            return Optimizer.adam().optLearningRateTracker(lr).build();
        }
        return Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).build();
    }

    /**
     * Returns the name used on the command line and in a checkpoint's configuration.
     *
     * @return the lower-case name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
