/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

/** Thrown by a strict parameter load that found missing, unexpected or mismatched parameters. */
public class ParameterMismatchException extends IncompatibleCheckpointException {

    private static final long serialVersionUID = 1L;

    private final transient ParameterLoadReport report;

    /**
     * Creates an exception for a report.
     *
     * @param source where the values came from, for the message (a file, or "snapshot")
     * @param report what the load found
     */
    public ParameterMismatchException(String source, ParameterLoadReport report) {
        super(
                "Parameters of "
                        + source
                        + " do not match the model (nothing was written): "
                        + report.describeDifferences());
        this.report = report;
    }

    /**
     * Returns what the load found.
     *
     * @return the report
     */
    public ParameterLoadReport getReport() {
        return report;
    }
}
