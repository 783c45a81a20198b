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
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.MappedTensors;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.ParallelCopy;

/**
 * Translates DJL {@link NDArray}s to and from tensor files (files of named tensors, {@link
 * TensorFile}).
 *
 * <p>Saving works from arrays on any device: a GPU array is copied to host memory, nothing else
 * about it changes.
 *
 * <p>Loading into new arrays maps the file and checks every tensor's checksum over all cores, in
 * one pass over the mapped bytes. On the PyTorch engine, a new CPU array is then the mapped memory
 * itself (zero copy) where that is safe: a private, copy-on-write mapping (writing into the array
 * never changes the file), a dtype the engine holds, data aligned for it. Otherwise each array gets
 * one copy in engine memory: for unaligned data, a file that cannot be opened for writing (Java
 * maps privately only through such a channel), {@link ReadOptions.Builder#optOwnedMemory owned
 * memory}, or another engine; a GPU array is copied host to device once, straight from the mapping.
 * Dtypes the PyTorch engine cannot hold never reach it: see {@link UnsafeDTypes}.
 *
 * <p><b>Lifetime of zero-copy arrays.</b> The file's mapping outlives the load and the checkpoint's
 * reader, and lives as long as the {@link NDManager} the arrays were loaded into: it is unmapped
 * when that manager closes, not when the arrays do. Views made from a zero-copy array ({@code
 * reshape}, {@code get}, {@code transpose}, {@code flatten}, ...) share its memory and are attached
 * to the same manager, so they stay valid after the array is closed, until the manager closes.
 * Closing the arrays alone releases no memory, and every load into one long-lived manager keeps its
 * mapping until that manager closes: load into a sub-manager per load ({@code
 * manager.newSubManager()}) and close it to release the mapping early. A loaded array moved to
 * another manager ({@code attach}, {@code tempAttach}) or viewed straight into one ({@code
 * get(manager, ...)}) keeps the mapping alive until that manager closes too; a loaded array that is
 * detached ({@code detach}) or whose tensor another array takes over ({@code intern}) keeps it for
 * the life of the process; a view moved to another manager keeps nothing. The file must not be
 * truncated or rewritten in place while the arrays live (odyssey's own saves replace files by a
 * rename, which is safe): a read of a page cut from the file faults inside the engine (SIGBUS) and
 * kills the JVM, which no library can prevent for mapped memory. For arrays or views that must
 * outlive their manager or be moved to another one, or a file that may be changed in place, load
 * with {@link ReadOptions.Builder#optOwnedMemory owned memory}. A file cut or replaced between its
 * load and its mapping, or cut before the load's own reads, fails with {@code FILE_CHANGED}.
 *
 * <p>In-place loads verify every tensor over all cores, then copy from the mapping into the
 * targets' own memory in parallel chunks.
 */
public final class NDArrayFiles {

    private NDArrayFiles() {}

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
    public static TensorFile toTensorFile(Map<String, NDArray> arrays) {
        TensorFile checkpoint = new TensorFile();
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
        TensorFile checkpoint = toTensorFile(arrays);
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            checkpoint.putMetadata(entry.getKey(), entry.getValue());
        }
        checkpoint.save(file, options);
    }

    /**
     * Loads every tensor of a file as arrays on a device, verifying checksums. New CPU arrays alias
     * a private mapping of the file where they can, which lives until {@code manager} closes (see
     * the class description): load into a sub-manager to release it early.
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
     * Loads tensors of a file as arrays on a device. New CPU arrays alias a private mapping of the
     * file where they can, unless {@link ReadOptions#ownedMemory()}; the mapping lives until {@code
     * manager} closes (see the class description for the lifetime rule).
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
        return NewArrays.load(file, manager, device, options, unsafe);
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
        TensorDType target = NewArrays.engineDType(name, tensor.dtype(), unsafe);
        NewArrays.checkSize(null, name, tensor, target);
        NDArray host =
                manager.create(
                        new Shape(tensor.shape()), DataTypes.toDataType(target), Device.cpu());
        try {
            ByteBuffer memory = writableMemoryOf(host);
            if (memory == null) {
                throw new IllegalStateException(
                        name + ": the engine did not expose the memory of a new CPU array");
            }
            if (target == tensor.dtype() && target != TensorDType.BOOL) {
                tensor.copyTo(memory.order(ByteOrder.LITTLE_ENDIAN));
            } else {
                Widening.widen(tensor.dtype(), tensor.data(), memory);
            }
            host.setName(name);
            if (device.equals(host.getDevice())) {
                return host;
            }
            NDArray placed = host.toDevice(device, false);
            placed.setName(name);
            host.close();
            return placed;
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
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
        try (TensorFile checkpoint = TensorFile.load(file, options);
                MappedTensors mapping = MappedTensors.map(checkpoint, false)) {
            // All or nothing: every target is checked, and every tensor verified (mapped ones
            // over all cores at once, the others' chunks too), before the first array is written.
            List<Tensor> unmapped = new ArrayList<>();
            for (Map.Entry<String, NDArray> entry : targets.entrySet()) {
                checkCompatible(entry.getKey(), checkpoint.get(entry.getKey()), entry.getValue());
                if (mapping.data(entry.getKey()) == null) {
                    unmapped.add(checkpoint.get(entry.getKey()));
                }
            }
            ParallelTensorReads.verify(unmapped);
            mapping.verify();
            List<ByteBuffer> sources = new ArrayList<>();
            List<ByteBuffer> memories = new ArrayList<>();
            List<Tensor> decoded = new ArrayList<>();
            List<ByteBuffer> decodedMemories = new ArrayList<>();
            for (Map.Entry<String, NDArray> entry : targets.entrySet()) {
                ByteBuffer data = mapping.data(entry.getKey());
                Tensor tensor = checkpoint.get(entry.getKey());
                ByteBuffer memory =
                        tensor.byteSize() == 0 ? null : writableMemoryOf(entry.getValue());
                if (memory != null && data != null) {
                    sources.add(data);
                    memories.add(memory);
                } else if (memory != null) {
                    decoded.add(tensor);
                    decodedMemories.add(memory.order(ByteOrder.LITTLE_ENDIAN));
                } else {
                    write(tensor, entry.getValue(), data);
                }
            }
            ParallelTensorReads.copyUnchecked(decoded, decodedMemories);
            mapping.read(() -> ParallelCopy.copy(sources, memories));
        }
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

    /**
     * Writes checked data, verified just before, into an array, in place.
     *
     * @param mapped the tensor's mapped data, or {@code null} to read them from the tensor
     */
    private static void write(Tensor tensor, NDArray target, ByteBuffer mapped) throws IOException {
        if (tensor.byteSize() == 0) {
            return;
        }
        if (mapped != null && target.getDevice().isGpu()) {
            // The engine copies host to device once and keeps nothing of the buffer.
            target.set(mapped);
            return;
        }
        ByteBuffer memory = writableMemoryOf(target);
        if (memory != null) {
            tensor.copyToUnchecked(memory);
            return;
        }
        // A CPU array whose memory the engine does not expose: hand the engine a direct buffer of
        // our own, as DJL's own set(float[]) does (the array keeps it as its storage, so it must
        // not be a mapping that goes away), or, on a GPU, one it copies from.
        ByteBuffer direct = target.getManager().allocateDirect(Math.toIntExact(tensor.byteSize()));
        direct.order(ByteOrder.LITTLE_ENDIAN);
        if (mapped != null) {
            direct.put(mapped.duplicate());
        } else {
            tensor.copyToUnchecked(direct);
        }
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
