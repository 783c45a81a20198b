/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.util.NativeResource;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The only place the DJL adapter reaches into DJL's private state: the engine tensor a PyTorch
 * array owns ({@code ai.djl.util.NativeResource.handle}, protected, an {@code AtomicReference}).
 * Zero-copy loads take the tensor that {@code torch::from_blob} made over mapped memory away from
 * the plain array DJL returns and give it to a {@link PtMappedArray}. A DJL upgrade that changes
 * the field fails {@code PtInternalsTest} by name, and this class with an {@link
 * IllegalStateException} naming the field, rather than a load going wrong.
 */
final class PtInternals {

    private static final String HANDLE = "handle";

    private PtInternals() {}

    /**
     * Takes the engine tensor away from a Java array, which then closes without deleting it.
     *
     * @param array an open PyTorch array
     * @return the engine tensor's handle, now owned by the caller
     * @throws IllegalStateException if DJL's field changed, or the array holds no tensor
     */
    static long takeHandle(PtNDArray array) {
        Field field = handleField();
        Object value;
        try {
            value = field.get(array);
        } catch (IllegalAccessException | RuntimeException e) {
            throw changed(e);
        }
        if (!(value instanceof AtomicReference<?> reference)) {
            throw changed(null);
        }
        Object handle = reference.getAndSet(null);
        if (!(handle instanceof Long)) {
            throw new IllegalStateException(
                    "the array holds no engine tensor (closed, or DJL changed): " + handle);
        }
        return (Long) handle;
    }

    private static Field handleField() {
        try {
            Field field = NativeResource.class.getDeclaredField(HANDLE);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw changed(e);
        }
    }

    private static IllegalStateException changed(Exception cause) {
        return new IllegalStateException(
                "Cannot take "
                        + NativeResource.class.getName()
                        + "."
                        + HANDLE
                        + " (an AtomicReference<Long>) from a PyTorch array: this DJL version ("
                        + Engine.getDjlVersion()
                        + ") differs from the 0.36 layout zero-copy loads rely on; load with"
                        + " ReadOptions.optOwnedMemory(true)",
                cause);
    }
}
