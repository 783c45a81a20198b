/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

/**
 * What loading does with a tensor whose dtype the engine cannot hold (on PyTorch 2.7.1: BF16, I16,
 * U16, U32, U64; see {@link DataTypes#isEngineSafe}).
 */
public enum UnsafeDTypes {
    /** Throw an {@link EngineDTypeException} naming the tensor. The default. */
    FAIL,
    /**
     * Widen exactly, in Java, before the data reach the engine: BF16 to FLOAT32, INT16 and UINT16
     * to INT32, UINT32 to INT64. UINT64 has no exact widening and still fails.
     */
    WIDEN
}
