/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.MappedTensors;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.ParallelCopy;

/**
 * Loads a checkpoint's tensors as new arrays: maps the files, verifies every mapped tensor over all
 * cores, then makes each array the cheapest safe way.
 *
 * <ul>
 *   <li>zero copy: a CPU array over a private (copy-on-write) mapping, on the PyTorch engine, for a
 *       dtype the engine holds and data aligned for it, unless the caller asked for owned memory;
 *       the manager holds the mapping until it closes ({@link MappingLeases});
 *   <li>one copy from the mapping into engine memory, in parallel chunks: for unaligned data, a
 *       file that cannot be mapped privately, owned memory or another engine;
 *   <li>one host-to-device copy straight from the mapping for a GPU;
 *   <li>exact widening in Java for dtypes the engine cannot hold, which never reach it.
 * </ul>
 */
final class NewArrays {

    private static final String PYTORCH = "PyTorch";

    private NewArrays() {}

    /** See {@link NDArrayFiles#load(Path, NDManager, Device, ReadOptions, UnsafeDTypes)}. */
    static Map<String, NDArray> load(
            Path file, NDManager manager, Device device, ReadOptions options, UnsafeDTypes unsafe)
            throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        boolean cpu = Device.Type.CPU.equals(device.getDeviceType());
        boolean zeroCopy =
                cpu
                        && !options.ownedMemory()
                        && PYTORCH.equals(manager.getEngine().getEngineName());
        MappedTensors mapping = null;
        MappingLeases leases = null;
        try (TensorFile checkpoint = TensorFile.load(file, options)) {
            Map<String, TensorDType> targets = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
                String name = entry.getKey();
                TensorDType target = engineDType(name, entry.getValue().dtype(), unsafe);
                checkSize(file, name, entry.getValue(), target);
                targets.put(name, target);
            }
            mapping = MappedTensors.map(checkpoint, zeroCopy);
            mapping.verify();
            leases = new MappingLeases(mapping);
            List<ByteBuffer> sources = new ArrayList<>();
            List<ByteBuffer> memories = new ArrayList<>();
            List<Runnable> widenings = new ArrayList<>();
            List<Tensor> decoded = new ArrayList<>();
            List<ByteBuffer> decodedMemories = new ArrayList<>();
            // The engine is called from this thread only; the bytes move in parallel afterwards.
            for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
                String name = entry.getKey();
                Tensor tensor = entry.getValue();
                TensorDType target = targets.get(name);
                ByteBuffer data = mapping.data(name);
                Shape shape = new Shape(tensor.shape());
                // BOOL always takes a copy: any non-zero byte must reach the engine as 1.
                boolean widen =
                        data != null && (target != tensor.dtype() || target == TensorDType.BOOL);
                boolean alias =
                        data != null
                                && !widen
                                && zeroCopy
                                && mapping.isCopyOnWrite()
                                && mapping.isAligned(name, target.byteSize());
                NDArray array;
                if (alias) {
                    array =
                            PtMappedArray.create(
                                    manager, data, shape, DataTypes.toDataType(target), leases);
                } else if (data != null && !widen && !cpu) {
                    array = toDevice(data, shape, target, manager, device);
                } else {
                    array = manager.create(shape, DataTypes.toDataType(target), Device.cpu());
                }
                array.setName(name);
                arrays.put(name, array);
                if (widen) {
                    ByteBuffer memory = memoryOf(name, array);
                    widenings.add(() -> Widening.widen(tensor.dtype(), data, memory));
                } else if (data != null && !alias && cpu) {
                    sources.add(data);
                    memories.add(memoryOf(name, array));
                } else if (data == null && tensor.byteSize() > 0) {
                    // a compressed tensor is not mapped: decoded (and verified) into the array,
                    // the chunks of all of them in parallel below
                    ByteBuffer memory = memoryOf(name, array);
                    if (target == tensor.dtype()) {
                        decoded.add(tensor);
                        decodedMemories.add(memory);
                    } else {
                        Widening.widen(tensor.dtype(), tensor.data(), memory);
                    }
                }
            }
            ParallelTensorReads.copy(decoded, decodedMemories);
            mapping.read(
                    () -> {
                        ParallelCopy.copy(sources, memories);
                        widenings.parallelStream().forEach(Runnable::run);
                    });
            for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
                entry.setValue(place(entry.getValue(), device));
            }
            return arrays;
        } catch (IOException | RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            if (leases != null) {
                leases.releaseAll(); // no array, hence no view, reached the caller
            }
            throw e;
        } finally {
            if (mapping != null) {
                mapping.close(); // the managers of zero-copy arrays hold their own references
            }
        }
    }

    /** One host-to-device copy, straight from the mapped bytes (no array on the host). */
    private static NDArray toDevice(
            ByteBuffer data, Shape shape, TensorDType type, NDManager manager, Device device) {
        try (NDManager onDevice = manager.newSubManager(device)) {
            NDArray array = onDevice.create(data, shape, DataTypes.toDataType(type));
            array.attach(manager);
            return array;
        }
    }

    static NDArray place(NDArray array, Device device) {
        if (device.equals(array.getDevice())) {
            return array;
        }
        NDArray placed = array.toDevice(device, false);
        placed.setName(array.getName());
        array.close();
        return placed;
    }

    static ByteBuffer memoryOf(String name, NDArray array) {
        ByteBuffer memory = NDArrayFiles.writableMemoryOf(array);
        if (memory == null) {
            throw new IllegalStateException(
                    name + ": the engine did not expose the memory of a new CPU array");
        }
        return memory.order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Refuses, before anything is allocated, a tensor whose data (or widened data) do not fit one
     * Java buffer.
     */
    static void checkSize(Path file, String name, Tensor tensor, TensorDType target)
            throws TensorFileFormatException {
        long bytes = tensor.byteSize() / tensor.dtype().byteSize() * target.byteSize();
        if (tensor.byteSize() > Integer.MAX_VALUE || bytes > Integer.MAX_VALUE) {
            throw new TensorFileFormatException(
                    Kind.TENSOR_TOO_LARGE,
                    file,
                    name,
                    bytes
                            + " bytes as "
                            + target
                            + " do not fit one array's buffer (at most "
                            + Integer.MAX_VALUE
                            + "); read it in parts with TensorFile.get(name) and readRange");
        }
    }

    /** Returns the dtype a tensor becomes in the engine, or throws if it cannot get there. */
    static TensorDType engineDType(String name, TensorDType dtype, UnsafeDTypes unsafe) {
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
                            + " with TensorFile.get(name).data()");
        }
        return target;
    }
}
