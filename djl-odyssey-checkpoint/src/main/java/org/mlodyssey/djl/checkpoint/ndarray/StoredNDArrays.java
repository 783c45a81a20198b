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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.format.TensorHeader;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.ObjectReaderChannel;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.storage.StoredTensorFiles;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * {@link NDArrayFiles} on a {@link CheckpointStore}: a named-tensor file written to, or read from,
 * an object of a store (a bucket, or a local directory through the same interface), or a sharded
 * set of them committed by its index (see {@link StoredTensorFiles}).
 *
 * <p>A save streams the file into {@link CheckpointStore#write}: the header, then each array's
 * bytes, with no local copy, so the store's commit rule holds (the object is whole or absent). A
 * load reads the header and then each tensor straight into a new array's memory with positional
 * reads, verifying its CRC32C as a load from disk does; it holds nothing besides the arrays. A
 * compressed file (format version 2) is laid out with a seek back to its header, which a stream
 * into a store cannot do: it is written to a local temporary file first (bounded memory, as any
 * compressed save), uploaded from there, and the temporary file deleted. Any version is read. A
 * sharded save uploads its shards in parallel and writes the index last; a load of a sharded set
 * reads only the shards holding the tensors asked for.
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
        TensorFile checkpoint = NDArrayFiles.toTensorFile(arrays);
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
     * Saves named arrays under a key of a store, compressed and sharded as {@code options} say (see
     * {@link StoredTensorFiles#save}). An uncompressed file streams straight into the store; a
     * compressed one goes through a temporary file of {@code java.io.tmpdir}, deleted whatever
     * happens. Past {@link WriteOptions#maxShardBytes()} the arrays are saved as shards uploaded in
     * parallel and an index ({@code <key>.index.json}) written last, the commit point. Durability
     * is the store's.
     *
     * @param store the store
     * @param key the object's key; for a sharded save, the name of the shards and the index
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @param options the compression, the shard size and the threads
     * @return the key, size and CRC32C of the object written: the file, or a sharded save's index
     * @throws IOException if a file cannot be written; no index is then committed
     */
    public static WrittenObject save(
            CheckpointStore store,
            String key,
            Map<String, NDArray> arrays,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        TensorFile checkpoint = NDArrayFiles.toTensorFile(arrays);
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            checkpoint.putMetadata(entry.getKey(), entry.getValue());
        }
        return StoredTensorFiles.save(
                store, key, checkpoint.tensors(), checkpoint.metadata(), options);
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
        return save(location, s3Options, arrays, metadata, WriteOptions.defaults());
    }

    /**
     * Saves named arrays at a location ({@code s3://bucket/path/x.safetensors} or a local path),
     * compressed and sharded as {@code options} say: a sharded save writes {@code
     * x-0000i-of-0000N.safetensors} next to the location in parallel, then {@code
     * x.safetensors.index.json} last.
     *
     * @param location the file's location
     * @param s3Options the options for a bucket, or {@code null} for the defaults
     * @param arrays the arrays by name, in order
     * @param metadata metadata to store with them
     * @param options the compression, the shard size and the threads
     * @return the key, size and CRC32C of the object written: the file, or a sharded save's index
     * @throws IOException if a file cannot be written; no index is then committed
     */
    public static WrittenObject save(
            String location,
            S3StoreOptions s3Options,
            Map<String, NDArray> arrays,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        int slash = lastSlash(location);
        try (CheckpointStore store =
                CheckpointStores.open(location.substring(0, slash), s3Options)) {
            return save(store, location.substring(slash + 1), arrays, metadata, options);
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
                Locations.asPath(store.locationOf(key)),
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
        return load(location, s3Options, manager, device, ReadOptions.defaults());
    }

    /**
     * Loads tensors of a file at a location ({@code s3://bucket/path/x.safetensors} or a local
     * path; a sharded save by its index) as arrays on a device. Only the shards holding the tensors
     * {@code options} ask for are read.
     *
     * @param location the file's location, or its index's
     * @param s3Options the options for a bucket, or {@code null} for the defaults
     * @param manager the manager the arrays are attached to
     * @param device the device to place them on
     * @param options which tensors, whether to verify, the header cap
     * @return the arrays by name, in file order
     * @throws IOException if the file, its index or a shard is missing, unreadable, malformed or
     *     damaged
     */
    public static Map<String, NDArray> load(
            String location,
            S3StoreOptions s3Options,
            NDManager manager,
            Device device,
            ReadOptions options)
            throws IOException {
        int slash = lastSlash(location);
        try (CheckpointStore store =
                CheckpointStores.open(location.substring(0, slash), s3Options)) {
            return load(store, location.substring(slash + 1), manager, device, options);
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
        return load(store, key, manager, device, ReadOptions.defaults());
    }

    /**
     * Loads tensors of an object, or of a sharded save by its index (see {@link
     * StoredTensorFiles#load}), as arrays on a device, verifying checksums as {@code options} say.
     * Only the shards holding the tensors asked for are read. Dtypes the engine cannot hold are
     * refused ({@link UnsafeDTypes#FAIL}).
     *
     * @param store the store
     * @param key the object's key, or the key a sharded save was given, or its index's key
     * @param manager the manager the arrays are attached to
     * @param device the device to place them on
     * @param options which tensors, whether to verify, the header cap
     * @return the arrays by name, in file order
     * @throws java.nio.file.NoSuchFileException if neither the object nor an index exists
     * @throws IOException if an object is unreadable, malformed or damaged, or a shard is missing
     */
    public static Map<String, NDArray> load(
            CheckpointStore store,
            String key,
            NDManager manager,
            Device device,
            ReadOptions options)
            throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try (TensorFile checkpoint = StoredTensorFiles.load(store, key, options)) {
            // The engine is called from this thread only; the tensors are then read (and their
            // chunks decoded) in parallel, straight into the arrays' memory.
            List<Tensor> tensors = new ArrayList<>();
            List<ByteBuffer> memories = new ArrayList<>();
            for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
                String name = entry.getKey();
                Tensor tensor = entry.getValue();
                TensorDType target = NewArrays.engineDType(name, tensor.dtype(), UnsafeDTypes.FAIL);
                if (target != tensor.dtype() || target == TensorDType.BOOL) {
                    arrays.put(
                            name,
                            NDArrayFiles.toNDArray(
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
            if (options.verify()) {
                ParallelTensorReads.copy(tensors, memories);
            } else {
                ParallelTensorReads.copyUnchecked(tensors, memories);
            }
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
