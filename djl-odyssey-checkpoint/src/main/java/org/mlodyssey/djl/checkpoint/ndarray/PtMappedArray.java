/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;

/**
 * A PyTorch array whose memory is a mapped tensor's data (zero copy).
 *
 * <p>The engine's {@code torch::from_blob} tensor does not own the memory, and views of this array
 * (reshape, get, transpose, ...) share it. So the mapping is held not by the array but by its
 * manager ({@link MappingLeases}): it stays until that manager closes, however the array and its
 * views are closed. Moving the array to another manager ({@code attach}, {@code tempAttach}, a
 * return from a temporary manager) or making a view straight into another manager ({@code
 * get(manager, ...)}) makes that manager hold the mapping too. An array that leaves every manager
 * ({@code detach}), or whose engine tensor another array takes over ({@code other.intern(this)}),
 * belongs to no manager that will close: the mapping then stays for the life of the process. This
 * class is only loaded when the PyTorch engine is.
 */
final class PtMappedArray extends PtNDArray {

    private final transient MappingLeases leases;
    private transient boolean closed;
    private transient boolean moving; // attach and friends detach first, then attach elsewhere

    private PtMappedArray(PtNDManager manager, long handle, ByteBuffer data, MappingLeases leases) {
        super(manager, handle, data);
        this.leases = leases;
    }

    /**
     * Creates a CPU array over mapped memory; its manager holds the mapping from now on.
     *
     * @param manager a PyTorch manager
     * @param data the mapped data: direct, writable (copy-on-write), aligned for the dtype
     * @param shape the shape
     * @param type the dtype, one the engine can hold
     * @param leases the leases of the mapping the data belong to
     * @return the array
     */
    static NDArray create(
            NDManager manager, ByteBuffer data, Shape shape, DataType type, MappingLeases leases) {
        PtNDManager pt = (PtNDManager) manager;
        leases.holdIn(pt);
        PtNDArray blob =
                JniUtils.createNdFromByteBuffer(
                        pt, data, shape, type, SparseFormat.DENSE, Device.cpu());
        long handle;
        try {
            handle = PtInternals.takeHandle(blob);
        } finally {
            blob.close(); // without its handle, it no longer owns the engine tensor
        }
        try {
            return new PtMappedArray(pt, handle, data, leases);
        } catch (RuntimeException | Error e) {
            JniUtils.deleteNDArray(handle);
            throw e;
        }
    }

    /** Moves the array to another manager, which holds the mapping from now on as well. */
    @Override
    public void attach(NDManager manager) {
        leases.holdIn(manager);
        moving = true;
        try {
            super.attach(manager);
        } finally {
            moving = false;
        }
    }

    /** Moves the array to a temporary manager, which holds the mapping as well until it closes. */
    @Override
    public void tempAttach(NDManager manager) {
        leases.holdIn(manager);
        moving = true;
        try {
            super.tempAttach(manager);
        } finally {
            moving = false;
        }
    }

    /** Returns the array to a manager, which holds the mapping from now on as well. */
    @Override
    public void returnResource(NDManager manager) {
        leases.holdIn(manager);
        moving = true;
        try {
            super.returnResource(manager);
        } finally {
            moving = false;
        }
    }

    /** Makes the view in the given manager, which holds the mapping from now on as well. */
    @Override
    public NDArray get(NDManager manager, NDIndex index) {
        leases.holdIn(manager);
        return super.get(manager, index);
    }

    /** Makes the view in the given manager, which holds the mapping from now on as well. */
    @Override
    public NDArray get(NDManager manager, long... indices) {
        leases.holdIn(manager);
        return super.get(manager, indices);
    }

    /**
     * Leaves every manager; the mapping then stays for the life of the process, since views of a
     * detached array belong to no manager that will close either.
     */
    @Override
    public void detach() {
        if (!moving) {
            leases.holdForever();
        }
        super.detach();
    }

    /**
     * Closes the array. When {@code other.intern(this)} took its engine tensor over, the tensor
     * lives on in an array this one does not know, so the mapping is kept for the life of the
     * process.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (isReleased()) {
            leases.holdForever();
        }
        super.close();
    }
}
