/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.util.List;

/**
 * What a parameter load found, in the spirit of PyTorch's {@code load_state_dict} result.
 *
 * @param loaded names written into the model
 * @param missing names the model has and the saved values lack
 * @param unexpected names the saved values have and the model lacks
 * @param mismatched names present on both sides whose shape or data type differ, each with a
 *     description such as {@code 01Linear_weight: saved float32(8, 3), model float32(8, 4)}
 */
public record ParameterLoadReport(
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<String> mismatched) {

    /**
     * Creates a report; the lists are copied.
     *
     * @param loaded names written into the model
     * @param missing names the saved values lack
     * @param unexpected names the model lacks
     * @param mismatched shape or data type mismatches, described
     */
    public ParameterLoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    /**
     * Tells whether every parameter matched.
     *
     * @return true if nothing is missing, unexpected or mismatched
     */
    public boolean isExactMatch() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /**
     * Describes the differences in one line.
     *
     * @return a description naming every missing, unexpected and mismatched parameter
     */
    public String describeDifferences() {
        return "missing " + missing + ", unexpected " + unexpected + ", mismatched " + mismatched;
    }
}
