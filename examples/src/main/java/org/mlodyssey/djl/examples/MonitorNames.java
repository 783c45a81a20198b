/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.util.Locale;
import org.mlodyssey.djl.checkpoint.listener.Monitor;

/**
 * The names of the metrics a run can monitor ({@code train_loss}, {@code validate_loss}, {@code
 * train_accuracy}, {@code validate_accuracy}) and the {@link Monitor} each stands for; {@link
 * TrainingOptions#parseMonitor} is the public entry.
 */
final class MonitorNames {

    private MonitorNames() {}

    /**
     * Parses a monitored metric name.
     *
     * @param metric {@code train_loss}, {@code validate_loss}, {@code train_accuracy} or {@code
     *     validate_accuracy} (any case)
     * @return the monitor: loss is minimised, accuracy maximised
     * @throws IllegalArgumentException naming the valid names
     */
    static Monitor parse(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        boolean validation = m.startsWith("validate_");
        String name = m.substring(m.indexOf('_') + 1);
        if ((validation || m.startsWith("train_")) && name.equals("loss")) {
            return new Monitor("loss", Monitor.Mode.MIN, validation);
        }
        if ((validation || m.startsWith("train_")) && name.equals("accuracy")) {
            return new Monitor("Accuracy", Monitor.Mode.MAX, validation);
        }
        throw new IllegalArgumentException(
                "Unknown metric '"
                        + metric
                        + "'; valid: train_loss, validate_loss, train_accuracy,"
                        + " validate_accuracy");
    }
}
