/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

/**
 * Thrown when saved training state does not fit the model, trainer or optimizer it is restored
 * into; the message names the parameter, tensor or counter at fault.
 */
public class IncompatibleCheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what does not fit, naming it
     */
    public IncompatibleCheckpointException(String message) {
        super(message);
    }
}
