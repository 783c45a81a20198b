/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** Pins that the PyTorch engine loads from the classpath alone, with no download. */
class OfflineEngineTest {

    @Test
    void pytorchEngineLoadsAndComputes() {
        Engine engine = Engine.getInstance();
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("2.7.1", engine.getVersion());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a =
                    manager.create(
                            new float[] {1f, 2f, 3f, 4f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray product = a.matMul(a);
            assertArrayEquals(new float[] {7f, 10f, 15f, 22f}, product.toFloatArray());
        }
    }
}
