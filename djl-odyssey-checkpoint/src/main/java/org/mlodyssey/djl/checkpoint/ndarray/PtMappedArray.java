/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.NativeResource;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.mlodyssey.djl.checkpoint.format.MappedTensors;

/**
 * A PyTorch array whose memory is a mapped tensor's data (zero copy), holding a reference to the
 * mapping that it gives back when it is closed, by its own {@code close()} or its manager's.
 *
 * <p>The engine's {@code torch::from_blob} tensor does not own the memory: views of this array
 * (reshape, get, transpose, ...) share it without holding the mapping, so they must be closed
 * before this array is. This class is only loaded when the PyTorch engine is.
 */
final class PtMappedArray extends PtNDArray {

    /** {@code NativeResource.handle}: the engine tensor a Java array owns. */
    static final Field HANDLE = handleField();

    private final transient MappedTensors mapping;
    private final AtomicBoolean released = new AtomicBoolean();

    private PtMappedArray(
            PtNDManager manager, long handle, ByteBuffer data, MappedTensors mapping) {
        super(manager, handle, data);
        this.mapping = mapping;
    }

    private static Field handleField() {
        try {
            Field field = NativeResource.class.getDeclaredField("handle");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DJL's NativeResource has no handle field", e);
        }
    }

    /**
     * Creates a CPU array over mapped memory.
     *
     * @param manager a PyTorch manager
     * @param data the mapped data: direct, writable (copy-on-write), aligned for the dtype
     * @param shape the shape
     * @param type the dtype, one the engine can hold
     * @param mapping the mapping the data belong to; retained until the array closes
     * @return the array
     */
    static NDArray create(
            NDManager manager, ByteBuffer data, Shape shape, DataType type, MappedTensors mapping) {
        PtNDManager pt = (PtNDManager) manager;
        PtNDArray blob =
                JniUtils.createNdFromByteBuffer(
                        pt, data, shape, type, SparseFormat.DENSE, Device.cpu());
        long handle = takeHandle(blob);
        blob.close(); // detaches it; it no longer owns the engine tensor
        mapping.retain();
        try {
            return new PtMappedArray(pt, handle, data, mapping);
        } catch (RuntimeException | Error e) {
            JniUtils.deleteNDArray(handle);
            mapping.release();
            throw e;
        }
    }

    /** Takes the engine tensor away from a Java array, which then closes without deleting it. */
    @SuppressWarnings("unchecked")
    private static long takeHandle(PtNDArray array) {
        try {
            Long handle = ((AtomicReference<Long>) HANDLE.get(array)).getAndSet(null);
            return handle;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot take the engine tensor of an array", e);
        }
    }

    /** Closes the array, then gives back its reference to the mapping. */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            if (released.compareAndSet(false, true)) {
                mapping.release();
            }
        }
    }
}
