/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

/**
 * Thrown instead of handing the engine a tensor whose dtype it cannot hold (on PyTorch 2.7.1: BF16,
 * I16, U16, U32, U64), or when an array's dtype cannot be stored at all. The message names the
 * tensor and the ways out.
 */
public class EngineDTypeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tensorName;

    /**
     * Constructs an exception.
     *
     * @param tensorName the tensor at fault
     * @param message what is wrong and what to do instead
     */
    public EngineDTypeException(String tensorName, String message) {
        super(tensorName + ": " + message);
        this.tensorName = tensorName;
    }

    /**
     * Returns the tensor at fault.
     *
     * @return the tensor's name
     */
    public String getTensorName() {
        return tensorName;
    }
}
