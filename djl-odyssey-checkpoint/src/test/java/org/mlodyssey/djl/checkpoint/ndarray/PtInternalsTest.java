/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * Pins the private DJL field zero-copy loads touch ({@code ai.djl.util.NativeResource.handle}): if
 * DJL renames or retypes it, these tests fail with its name.
 */
class PtInternalsTest {

    @Test
    void nativeResourceHandleIsAnAtomicReference() throws Exception {
        Field field = Class.forName("ai.djl.util.NativeResource").getDeclaredField("handle");
        assertEquals(
                "java.util.concurrent.atomic.AtomicReference<T>",
                field.getGenericType().getTypeName(),
                "ai.djl.util.NativeResource.handle");
    }

    @Test
    void takingTheHandleLeavesAnArrayThatClosesWithoutDeletingTheTensor() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            PtNDArray array = (PtNDArray) manager.create(new float[] {1.5f, 2.5f});
            long handle = PtInternals.takeHandle(array);
            array.close(); // must not delete the tensor taken from it
            PtNDArray owner = new PtNDArray((PtNDManager) manager, handle);
            assertArrayEquals(new float[] {1.5f, 2.5f}, owner.toFloatArray());
            owner.close();
            PtNDArray other = (PtNDArray) manager.create(new float[] {1f});
            long taken = PtInternals.takeHandle(other);
            IllegalStateException twice =
                    assertThrows(IllegalStateException.class, () -> PtInternals.takeHandle(other));
            assertTrue(twice.getMessage().contains("no engine tensor"), twice.getMessage());
            JniUtils.deleteNDArray(taken);
        }
    }
}
