/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import org.mlodyssey.djl.checkpoint.listener.Monitor;

/**
 * The checks of the values of {@link TrainingOptions}; each error names the {@code odyssey train}
 * flag that sets the value, so that the command line and the builder report the same message.
 */
final class TrainingOptionsChecks {

    private TrainingOptionsChecks() {}

    /**
     * Checks a split against the dataset ({@link DatasetKind#checkSplit}).
     *
     * @param dataset the dataset
     * @param split the split, or null for the dataset's default
     * @return the split in canonical form
     * @throws IllegalArgumentException naming {@code --split}
     */
    static String split(DatasetKind dataset, String split) {
        try {
            return dataset.checkSplit(split);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--split: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a monitored metric name ({@link MonitorNames#parse}).
     *
     * @param metric the name, or null for none
     * @return the monitor, or null for none
     * @throws IllegalArgumentException naming {@code --monitor} and the valid names
     */
    static Monitor monitor(String metric) {
        try {
            return metric == null ? null : MonitorNames.parse(metric);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--monitor: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a count is at least 1.
     *
     * @param flag the flag that sets it
     * @param value the value
     * @throws IllegalArgumentException naming the flag
     */
    static void positive(String flag, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + ": must be at least 1, got " + value);
        }
    }

    /**
     * Checks that a count is not negative.
     *
     * @param flag the flag that sets it
     * @param value the value
     * @throws IllegalArgumentException naming the flag
     */
    static void notNegative(String flag, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(flag + ": must not be negative, got " + value);
        }
    }

    /**
     * Checks that the learning rate is a positive, finite number.
     *
     * @param learningRate the learning rate
     * @throws IllegalArgumentException naming {@code --lr}
     */
    static void learningRate(float learningRate) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "--lr: must be a positive number, got " + learningRate);
        }
    }

    /**
     * Checks that the seconds between saves are a non-negative, finite number.
     *
     * @param everySeconds the seconds
     * @throws IllegalArgumentException naming {@code --every-seconds}
     */
    static void everySeconds(double everySeconds) {
        if (!(everySeconds >= 0) || Double.isInfinite(everySeconds)) {
            throw new IllegalArgumentException(
                    "--every-seconds: must be a non-negative number, got " + everySeconds);
        }
    }

    /**
     * Checks that keeping the best checkpoints has a metric to rank them by.
     *
     * @param keepBest how many best checkpoints to keep; 0 off
     * @param monitor the monitored metric, or null
     * @throws IllegalArgumentException naming {@code --keep-best} and {@code --monitor}
     */
    static void keepBest(int keepBest, Monitor monitor) {
        if (keepBest > 0 && monitor == null) {
            throw new IllegalArgumentException("--keep-best needs --monitor METRIC");
        }
    }

    /**
     * Checks that the resume mode is not empty.
     *
     * @param resume the resume mode
     * @throws IllegalArgumentException naming {@code --resume}
     */
    static void resume(String resume) {
        if (resume.isEmpty()) {
            throw new IllegalArgumentException("--resume: expected auto, never or a path");
        }
    }
}
