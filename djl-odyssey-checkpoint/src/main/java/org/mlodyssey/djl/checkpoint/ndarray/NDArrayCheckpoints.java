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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.Checkpoint;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;

/**
 * Translates DJL {@link NDArray}s to and from named-tensor checkpoints.
 *
 * <p>Saving works from arrays on any device: a GPU array is copied to host memory, nothing else
 * about it changes. Loading copies each tensor's bytes once, with positional reads from the file
 * straight into memory the engine owns, and checks them there (no heap copy, no page faults on a
 * mapping, and the arrays never alias the file, so they stay valid whatever later happens to it),
 * then moves the array to the requested device. In-place loads write into the target's own memory
 * on CPU. Dtypes the PyTorch engine cannot hold never reach it: see {@link UnsafeDTypes}.
 */
public final class NDArrayCheckpoints {

    private NDArrayCheckpoints() {}

    /**
     * Wraps an array's data as a tensor.
     *
     * @param name the array's name, for error messages
     * @param array the array, on any device
     * @param copy whether to copy the data; without a copy, a CPU array's tensor is a view of the
     *     array's memory, valid only while the array is neither changed nor closed
     * @return the tensor
     * @throws EngineDTypeException if the array's dtype cannot be stored
     */
    public static Tensor toTensor(String name, NDArray array, boolean copy) {
        DataType type = array.getDataType();
        TensorDType dtype =
                DataTypes.toTensorDType(type)
                        .orElseThrow(
                                () ->
                                        new EngineDTypeException(
                                                name, "dtype " + type + " cannot be stored"));
        ByteBuffer bytes;
        if (array.getDevice().isGpu()) {
            bytes = array.toByteBuffer(); // a host copy in any case
        } else if (copy) {
            ByteBuffer view = array.toByteBuffer(true);
            bytes = ByteBuffer.allocate(view.remaining());
            bytes.put(view.duplicate()).flip();
        } else {
            bytes = array.toByteBuffer(true);
        }
        return Tensor.of(dtype, array.getShape().getShape(), bytes.order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Builds a checkpoint from named arrays, without copying CPU data.
     *
     * @param arrays the arrays by name, in order
     * @return the checkpoint
     */
    public static Checkpoint toCheckpoint(Map<String, NDArray> arrays) {
        Checkpoint checkpoint = new Checkpoint();
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            checkpoint.put(entry.getKey(), toTensor(entry.getKey(), entry.getValue(), false));
        }
        return checkpoint;
    }

    /**
     * Saves named arrays durably and atomically.
     *
     * @param file the file to create or replace
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @throws IOException if the file cannot be written
     */
    public static void save(Path file, Map<String, NDArray> arrays, Map<String, String> metadata)
            throws IOException {
        save(file, arrays, metadata, WriteOptions.defaults());
    }

    /**
     * Saves named arrays atomically.
     *
     * @param file the file to create or replace
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @param options durability and sharding
     * @throws IOException if the file cannot be written
     */
    public static void save(
            Path file,
            Map<String, NDArray> arrays,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        Checkpoint checkpoint = toCheckpoint(arrays);
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            checkpoint.putMetadata(entry.getKey(), entry.getValue());
        }
        checkpoint.save(file, options);
    }

    /**
     * Loads every tensor of a file as arrays on a device, verifying checksums.
     *
     * @param file the checkpoint
     * @param manager the manager the arrays are attached to
     * @param device the device to place them on
     * @return the arrays by name, in file order
     * @throws IOException if the file is unreadable, malformed or damaged
     */
    public static Map<String, NDArray> load(Path file, NDManager manager, Device device)
            throws IOException {
        return load(file, manager, device, ReadOptions.defaults(), UnsafeDTypes.FAIL);
    }

    /**
     * Loads tensors of a file as arrays on a device.
     *
     * @param file the checkpoint
     * @param manager the manager the arrays are attached to
     * @param device the device to place them on
     * @param options which tensors, and whether to verify
     * @param unsafe what to do with dtypes the engine cannot hold
     * @return the arrays by name, in file order
     * @throws IOException if the file is unreadable, malformed or damaged
     */
    public static Map<String, NDArray> load(
            Path file, NDManager manager, Device device, ReadOptions options, UnsafeDTypes unsafe)
            throws IOException {
        List<HostArray> slots = new ArrayList<>();
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try (Checkpoint checkpoint = Checkpoint.load(file, options)) {
            // Allocate on this thread (the engine's calls stay single-threaded), then fill the
            // arrays' memory in parallel: the reads and the first touch of fresh memory dominate.
            for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
                slots.add(HostArray.allocate(entry.getKey(), entry.getValue(), manager, unsafe));
            }
            // Every fill runs to its end before anything is freed: a stream that threw at the
            // first failure would let the catch below free arrays other threads still write into.
            slots.parallelStream().forEach(HostArray::fillRecordingFailure);
            for (HostArray slot : slots) {
                slot.rethrowFailure();
            }
            for (HostArray slot : slots) {
                arrays.put(slot.name, slot.place(device));
            }
        } catch (IOException | RuntimeException e) {
            slots.forEach(slot -> slot.host.close());
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return arrays;
    }

    /**
     * Turns a tensor into an array on a device.
     *
     * @param name the tensor's name, given to the array
     * @param tensor the tensor
     * @param manager the manager the array is attached to
     * @param device the device to place it on
     * @param unsafe what to do when the engine cannot hold the tensor's dtype
     * @return the array
     * @throws IOException if the tensor's data cannot be read or are damaged
     * @throws EngineDTypeException if the dtype cannot be handed to the engine
     */
    public static NDArray toNDArray(
            String name, Tensor tensor, NDManager manager, Device device, UnsafeDTypes unsafe)
            throws IOException {
        HostArray slot = HostArray.allocate(name, tensor, manager, unsafe);
        try {
            slot.fill();
            return slot.place(device);
        } catch (IOException | RuntimeException e) {
            slot.host.close();
            throw e;
        }
    }

    /** A new CPU array being filled from a tensor, then placed on its device. */
    private static final class HostArray {

        final String name;
        final Tensor tensor;
        final TensorDType target;
        final NDArray host;
        final ByteBuffer memory;
        private Exception failure;

        private HostArray(
                String name, Tensor tensor, TensorDType target, NDArray host, ByteBuffer memory) {
            this.name = name;
            this.tensor = tensor;
            this.target = target;
            this.host = host;
            this.memory = memory;
        }

        static HostArray allocate(
                String name, Tensor tensor, NDManager manager, UnsafeDTypes unsafe) {
            TensorDType target = engineDType(name, tensor.dtype(), unsafe);
            NDArray host =
                    manager.create(
                            new Shape(tensor.shape()), DataTypes.toDataType(target), Device.cpu());
            ByteBuffer memory = writableMemoryOf(host);
            if (memory == null) {
                host.close();
                throw new IllegalStateException(
                        name + ": the engine did not expose the memory of a new CPU array");
            }
            return new HostArray(name, tensor, target, host, memory);
        }

        void fill() throws IOException {
            if (target == tensor.dtype()) {
                tensor.copyTo(memory.duplicate().order(ByteOrder.LITTLE_ENDIAN));
            } else {
                Widening.widen(tensor.dtype(), tensor.data(), memory.duplicate());
            }
        }

        void fillRecordingFailure() {
            try {
                fill();
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        void rethrowFailure() throws IOException {
            if (failure instanceof IOException) {
                throw (IOException) failure;
            }
            if (failure != null) {
                throw (RuntimeException) failure;
            }
        }

        NDArray place(Device device) {
            host.setName(name);
            if (device.equals(host.getDevice())) {
                return host;
            }
            NDArray placed = host.toDevice(device, false);
            placed.setName(name);
            host.close();
            return placed;
        }
    }

    /** Returns the dtype a tensor becomes in the engine, or throws if it cannot get there. */
    private static TensorDType engineDType(String name, TensorDType dtype, UnsafeDTypes unsafe) {
        if (DataTypes.isEngineSafe(dtype)) {
            return dtype;
        }
        TensorDType target =
                unsafe == UnsafeDTypes.WIDEN ? DataTypes.exactWidening(dtype).orElse(null) : null;
        if (target == null) {
            throw new EngineDTypeException(
                    name,
                    "dtype "
                            + dtype
                            + " cannot be handed to the PyTorch engine (it aborts the JVM); "
                            + (DataTypes.exactWidening(dtype).isPresent()
                                    ? "load with UnsafeDTypes.WIDEN to get "
                                            + DataTypes.exactWidening(dtype).get()
                                            + " exactly, or read the raw bytes"
                                    : "no exact widening exists; read the raw bytes")
                            + " with Checkpoint.get(name).data()");
        }
        return target;
    }

    /**
     * Loads tensors of a file into existing arrays, in place: each array keeps its identity, device
     * and gradient attachment. Every target must be in the file with the same dtype and shape;
     * tensors of the file that are not targets are left alone. All or nothing: every target is
     * checked and every tensor verified before the first array is written.
     *
     * @param file the checkpoint
     * @param targets the arrays to fill, by tensor name
     * @throws IOException if the file is unreadable, malformed or damaged
     * @throws IllegalArgumentException if a target's dtype or shape differ from the file's
     */
    public static void loadInto(Path file, Map<String, NDArray> targets) throws IOException {
        ReadOptions options = ReadOptions.builder().optNames(targets.keySet()).build();
        try (Checkpoint checkpoint = Checkpoint.load(file, options)) {
            // All or nothing: every target is checked, and every tensor verified, before the
            // first array is written.
            for (Map.Entry<String, NDArray> entry : targets.entrySet()) {
                String name = entry.getKey();
                checkCompatible(name, checkpoint.get(name), entry.getValue());
                checkpoint.get(name).verify();
            }
            for (Map.Entry<String, NDArray> entry : targets.entrySet()) {
                write(checkpoint.get(entry.getKey()), entry.getValue());
            }
        }
    }

    /**
     * Copies a tensor's data into an existing array, in place. The dtype and shape are checked and
     * the data verified against their checksum before the array is written, so a failure leaves it
     * untouched.
     *
     * @param name the tensor's name, for error messages
     * @param tensor the tensor
     * @param target the array to fill; keeps its identity, device and gradient attachment
     * @throws IOException if the tensor's data cannot be read or are damaged
     * @throws IllegalArgumentException if the array's dtype or shape differ from the tensor's
     */
    public static void copyInto(String name, Tensor tensor, NDArray target) throws IOException {
        checkCompatible(name, tensor, target);
        tensor.verify();
        write(tensor, target);
    }

    private static void checkCompatible(String name, Tensor tensor, NDArray target) {
        DataType fileType = DataTypes.toDataType(tensor.dtype());
        if (!DataTypes.isEngineSafe(tensor.dtype())) {
            throw new EngineDTypeException(
                    name, "dtype " + tensor.dtype() + " cannot be handed to the PyTorch engine");
        }
        if (target.getDataType() != fileType) {
            throw new IllegalArgumentException(
                    name
                            + ": the array is "
                            + target.getDataType()
                            + ", the checkpoint holds "
                            + fileType);
        }
        if (!Arrays.equals(target.getShape().getShape(), tensor.shape())) {
            throw new IllegalArgumentException(
                    name
                            + ": the array has shape "
                            + target.getShape()
                            + ", the checkpoint holds "
                            + new Shape(tensor.shape()));
        }
    }

    /** Writes checked data, verified just before, into an array, in place. */
    private static void write(Tensor tensor, NDArray target) throws IOException {
        if (tensor.byteSize() == 0) {
            return;
        }
        ByteBuffer memory = writableMemoryOf(target);
        if (memory != null) {
            tensor.copyToUnchecked(memory);
            return;
        }
        // A GPU array, or a CPU one whose memory the engine does not expose: hand the engine a
        // direct buffer of our own, as DJL's own set(float[]) does. On CPU the array keeps that
        // buffer as its storage (and a reference to it), on GPU the engine copies it.
        ByteBuffer direct = target.getManager().allocateDirect(Math.toIntExact(tensor.byteSize()));
        tensor.copyToUnchecked(direct.order(ByteOrder.LITTLE_ENDIAN));
        direct.flip();
        target.set(direct);
    }

    /**
     * Returns a writable view of a CPU array's own memory, in little-endian order, or {@code null}
     * when the engine hands out a copy instead (a GPU, non-contiguous or sparse array). Two views
     * that see each other's writes are views of the array itself, since every copy would be a fresh
     * one.
     *
     * @param array the array
     * @return a view of its memory, valid while the array is open, or {@code null}
     */
    public static ByteBuffer writableMemoryOf(NDArray array) {
        if (array.getDevice().isGpu() || array.isSparse()) {
            return null;
        }
        ByteBuffer first = array.toByteBuffer(true);
        if (!first.isDirect() || first.isReadOnly()) {
            return null;
        }
        first.order(ByteOrder.LITTLE_ENDIAN);
        if (!first.hasRemaining()) {
            return first;
        }
        ByteBuffer second = array.toByteBuffer(true);
        byte original = first.get(0);
        first.put(0, (byte) ~original);
        boolean aliased = second.get(0) == (byte) ~original;
        first.put(0, original);
        return aliased ? first : null;
    }
}
