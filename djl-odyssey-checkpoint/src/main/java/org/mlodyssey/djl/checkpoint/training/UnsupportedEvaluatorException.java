/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

/**
 * Thrown when a checkpoint cannot hold an evaluator's running totals: the evaluator keeps them in
 * state of its own (such as DJL's {@code BoundingBoxError}), so a run resumed in the middle of an
 * epoch would report that epoch's metric wrongly.
 */
public class UnsupportedEvaluatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The evaluator's name. */
    private final String evaluator;

    /**
     * Creates an exception for an evaluator.
     *
     * @param evaluator the evaluator's name
     * @param evaluatorClass its class
     * @param field the field of its own state, {@code Class.field}
     */
    public UnsupportedEvaluatorException(String evaluator, Class<?> evaluatorClass, String field) {
        super(
                "Cannot checkpoint the running totals of evaluator '"
                        + evaluator
                        + "' ("
                        + evaluatorClass.getName()
                        + "): it keeps state of its own in "
                        + field
                        + "; checkpoints hold only the totals DJL's Evaluator, AbstractAccuracy,"
                        + " Loss and AbstractCompositeLoss keep. Remove it from the training"
                        + " configuration's evaluators");
        this.evaluator = evaluator;
    }

    /**
     * Returns the evaluator's name.
     *
     * @return the name
     */
    public String getEvaluator() {
        return evaluator;
    }
}
