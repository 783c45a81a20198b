/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A metric watched at the end of each epoch, among the trainer's evaluations (those of DJL's {@code
 * EvaluatorTrainingListener}, named {@code train_<evaluator>} and {@code validate_<evaluator>}).
 *
 * @param metric the evaluator's name, such as {@code loss} or {@code Accuracy}, matched regardless
 *     of case
 * @param mode whether lower or higher values are better
 * @param onValidation whether to watch the validation value ({@code validate_<metric>}) rather than
 *     the training value ({@code train_<metric>})
 */
public record Monitor(String metric, Mode mode, boolean onValidation) {

    /** Which direction of a metric is better. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy). */
        MAX
    }

    /**
     * Creates a monitor.
     *
     * @param metric the evaluator's name
     * @param mode whether lower or higher values are better
     * @param onValidation whether to watch the validation value
     */
    public Monitor {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(mode, "mode");
        if (metric.isEmpty()) {
            throw new IllegalArgumentException("Empty metric name");
        }
    }

    /**
     * Returns the key of the metric among the trainer's evaluations.
     *
     * @return {@code validate_<metric>} or {@code train_<metric>}
     */
    public String key() {
        return (onValidation ? "validate_" : "train_") + metric;
    }

    /**
     * Reads the metric from an epoch's evaluations.
     *
     * @param evaluations the trainer's evaluations at the end of an epoch
     * @return the value
     * @throws IllegalStateException if the evaluations lack the metric, naming the ones present
     */
    public float valueIn(Map<String, Float> evaluations) {
        Float value = find(evaluations);
        if (value == null) {
            throw new IllegalStateException(
                    "The monitored metric '"
                            + key()
                            + "' is not among the trainer's evaluations "
                            + evaluations.keySet()
                            + " (add DJL's EvaluatorTrainingListener before the checkpoint"
                            + " listener, and a validation set for a validation metric)");
        }
        return value;
    }

    /**
     * Tells whether a value is strictly better than another; NaN is never better.
     *
     * @param candidate the new value
     * @param best the best so far, or {@code null} for none
     * @return true if {@code candidate} is better
     */
    public boolean isBetter(float candidate, Float best) {
        if (Float.isNaN(candidate)) {
            return false;
        }
        if (best == null || Float.isNaN(best)) {
            return true;
        }
        return mode == Mode.MIN ? candidate < best : candidate > best;
    }

    /**
     * Finds the metric in an epoch's evaluations, its name matched regardless of case.
     *
     * @param evaluations the trainer's evaluations at the end of an epoch
     * @return the value, or null if the evaluations lack the metric
     */
    Float find(Map<String, Float> evaluations) {
        Float value = evaluations.get(key());
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, Float> e : evaluations.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key())) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Checks that the metric names one of the trainer's evaluators (or {@code loss}), regardless of
     * case.
     *
     * @param trainer the trainer
     * @throws IllegalArgumentException naming the valid names
     */
    void checkAgainst(Trainer trainer) {
        List<String> names = new ArrayList<>();
        names.add("loss");
        trainer.getEvaluators().forEach(e -> names.add(e.getName()));
        for (String name : names) {
            if (name.equalsIgnoreCase(metric)) {
                return;
            }
        }
        throw new IllegalArgumentException(
                "optMonitor: the trainer has no evaluator '"
                        + metric
                        + "'; valid (in any case): "
                        + String.join(", ", names));
    }
}
