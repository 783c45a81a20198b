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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.Checkpoint;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorEntry;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.format.TensorHeader;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.storage.ObjectReaderChannel;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * {@link NDArrayCheckpoints} on a {@link CheckpointStore}: one named-tensor file written to, or
 * read from, an object of a store (a bucket, or a local directory through the same interface).
 *
 * <p>A save streams the file into {@link CheckpointStore#write}: the header, then each array's
 * bytes, with no local copy, so the store's commit rule holds (the object is whole or absent). A
 * load reads the header and then each tensor straight into a new array's memory with positional
 * reads, verifying its CRC32C as a load from disk does; it holds nothing besides the arrays. A
 * compressed file (format version 2) is laid out with a seek back to its header, which a stream
 * into a store cannot do: it is written to a local temporary file first (bounded memory, as any
 * compressed save), uploaded from there, and the temporary file deleted. Any version is read.
 */
public final class StoredNDArrays {

    private StoredNDArrays() {}

    /**
     * Saves named arrays as one uncompressed file under a key of a store.
     *
     * @param store the store
     * @param key the object's key
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @return the key, size and CRC32C of the object written
     * @throws IOException if the object cannot be written; nothing is then committed under the key
     */
    public static WrittenObject save(
            CheckpointStore store,
            String key,
            Map<String, NDArray> arrays,
            Map<String, String> metadata)
            throws IOException {
        Checkpoint checkpoint = NDArrayCheckpoints.toCheckpoint(arrays);
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            checkpoint.putMetadata(entry.getKey(), entry.getValue());
        }
        return store.write(
                key,
                channel ->
                        TensorFileWriter.writeTo(
                                channel, checkpoint.tensors(), checkpoint.metadata()));
    }

    /**
     * Saves named arrays as one file under a key of a store, compressed as {@code options} say. An
     * uncompressed file streams straight into the store; a compressed one goes through a temporary
     * file of {@code java.io.tmpdir}, deleted whatever happens. Sharding and durability do not
     * apply: the store commits one object.
     *
     * @param store the store
     * @param key the object's key
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @param options the compression and its threads
     * @return the key, size and CRC32C of the object written
     * @throws IOException if the object cannot be written; nothing is then committed under the key
     */
    public static WrittenObject save(
            CheckpointStore store,
            String key,
            Map<String, NDArray> arrays,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        if (!options.compression().enabled()) {
            return save(store, key, arrays, metadata);
        }
        Path temporary = Files.createTempFile("odyssey-upload-", ".safetensors");
        try {
            NDArrayCheckpoints.save(
                    temporary,
                    arrays,
                    metadata,
                    WriteOptions.builder()
                            .optDurable(false)
                            .optThreads(options.threads())
                            .optCompression(options.compression())
                            .build());
            return store.write(
                    key,
                    channel -> {
                        try (FileChannel file = FileChannel.open(temporary)) {
                            long size = file.size();
                            for (long at = 0; at < size; ) {
                                at += file.transferTo(at, size - at, channel);
                            }
                        }
                    });
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Saves named arrays as one uncompressed file at a location: {@code
     * s3://bucket/path/x.safetensors} for an object of a bucket, anything else for a local file
     * (written atomically, as {@link CheckpointStore#write} writes).
     *
     * @param location the file's location
     * @param s3Options the options for a bucket, or {@code null} for the defaults (SDK chains,
     *     {@code AWS_ENDPOINT_URL})
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @return the key, size and CRC32C of the object written
     * @throws IOException if the file cannot be written; nothing is then committed
     */
    public static WrittenObject save(
            String location,
            S3StoreOptions s3Options,
            Map<String, NDArray> arrays,
            Map<String, String> metadata)
            throws IOException {
        int slash = lastSlash(location);
        try (CheckpointStore store =
                CheckpointStores.open(location.substring(0, slash), s3Options)) {
            return save(store, location.substring(slash + 1), arrays, metadata);
        }
    }

    /**
     * Opens a named-tensor object of a store for reading with positional (ranged) reads, checking
     * its header checksum now and each tensor's on read, with the default header cap.
     *
     * @param store the store
     * @param key the object's key
     * @return the reader, to be closed
     * @throws java.nio.file.NoSuchFileException if the key does not exist
     * @throws IOException if the object cannot be read or its header is malformed
     */
    public static TensorFileReader open(CheckpointStore store, String key) throws IOException {
        return TensorFileReader.open(
                Path.of(store.locationOf(key)),
                new ObjectReaderChannel(store.open(key)),
                true,
                TensorHeader.DEFAULT_MAX_HEADER_BYTES);
    }

    /**
     * Loads every tensor of a file at a location ({@code s3://bucket/path/x.safetensors} or a local
     * path) as arrays on a device, verifying checksums.
     *
     * @param location the file's location
     * @param s3Options the options for a bucket, or {@code null} for the defaults
     * @param manager the manager the arrays are attached to
     * @param device the device to place them on
     * @return the arrays by name, in file order
     * @throws IOException if the file is missing, unreadable, malformed or damaged
     */
    public static Map<String, NDArray> load(
            String location, S3StoreOptions s3Options, NDManager manager, Device device)
            throws IOException {
        int slash = lastSlash(location);
        try (CheckpointStore store =
                CheckpointStores.open(location.substring(0, slash), s3Options)) {
            return load(store, location.substring(slash + 1), manager, device);
        }
    }

    private static int lastSlash(String location) {
        int slash = location.lastIndexOf('/');
        int least = CheckpointStores.isRemote(location) ? "s3://".length() : 0;
        if (slash < least || slash == location.length() - 1) {
            throw new IllegalArgumentException(
                    location + " names no file: expected a directory or bucket path, then a name");
        }
        return slash;
    }

    /**
     * Loads every tensor of an object as arrays on a device, verifying checksums. Dtypes the engine
     * cannot hold are refused ({@link UnsafeDTypes#FAIL}).
     *
     * @param store the store
     * @param key the object's key
     * @param manager the manager the arrays are attached to
     * @param device the device to place them on
     * @return the arrays by name, in file order
     * @throws java.nio.file.NoSuchFileException if the key does not exist
     * @throws IOException if the object is unreadable, malformed or damaged
     */
    public static Map<String, NDArray> load(
            CheckpointStore store, String key, NDManager manager, Device device)
            throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try (TensorFileReader reader = open(store, key)) {
            // The engine is called from this thread only; the tensors are then read (and their
            // chunks decoded) in parallel, straight into the arrays' memory.
            List<Tensor> tensors = new ArrayList<>();
            List<ByteBuffer> memories = new ArrayList<>();
            for (TensorEntry entry : reader.header().entries()) {
                String name = entry.name();
                Tensor tensor = reader.tensor(name);
                TensorDType target = NewArrays.engineDType(name, tensor.dtype(), UnsafeDTypes.FAIL);
                if (target != tensor.dtype() || target == TensorDType.BOOL) {
                    arrays.put(
                            name,
                            NDArrayCheckpoints.toNDArray(
                                    name, tensor, manager, device, UnsafeDTypes.FAIL));
                    continue;
                }
                NewArrays.checkSize(null, name, tensor, target);
                NDArray host =
                        manager.create(
                                new Shape(tensor.shape()),
                                DataTypes.toDataType(target),
                                Device.cpu());
                host.setName(name);
                arrays.put(name, host);
                tensors.add(tensor);
                memories.add(NewArrays.memoryOf(name, host));
            }
            ParallelTensorReads.copy(tensors, memories);
            for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
                entry.setValue(NewArrays.place(entry.getValue(), device));
            }
            return arrays;
        } catch (IOException | RuntimeException e) {
            for (NDArray array : arrays.values()) {
                array.close();
            }
            throw e;
        }
    }
}
