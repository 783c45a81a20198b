/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * An ordered set of named tensors plus string metadata, saved as a named-tensor file (a safetensors
 * file with djl-odyssey metadata) or as a sharded set of them.
 *
 * <p>A loaded checkpoint reads tensor data lazily, on {@link Tensor#data()}: keep it open until the
 * data is read, then {@link #close()} it. Metadata keys the file carries but this library does not
 * know are kept, so a read-modify-write preserves them.
 *
 * <pre>{@code
 * TensorFile file = new TensorFile();
 * file.put("fc.weight", Tensor.of(TensorDType.F32, new long[] {2, 2}, buffer));
 * file.putMetadata("epoch", "3");
 * file.save(Path.of("model.safetensors"));
 *
 * try (TensorFile loaded = TensorFile.load(Path.of("model.safetensors"))) {
 *     ByteBuffer weight = loaded.get("fc.weight").data();
 * }
 * }</pre>
 */
public final class TensorFile implements Closeable {

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();
    private final List<Closeable> sources = new ArrayList<>();
    private int formatVersion = FormatKeys.CURRENT_VERSION;
    private Integrity integrity = Integrity.VERIFIED;

    /** Creates an empty checkpoint. */
    public TensorFile() {}

    /**
     * Loads a checkpoint with the default options.
     *
     * @param path a named-tensor file, a shard index ({@code *.index.json}), or a file name whose
     *     {@code .index.json} sibling exists
     * @return the checkpoint, reading tensor data lazily
     * @throws IOException if the file cannot be read, or is malformed or damaged
     */
    public static TensorFile load(Path path) throws IOException {
        return load(path, ReadOptions.defaults());
    }

    /**
     * Wraps one open reader as a checkpoint whose tensors it reads lazily, such as a reader of an
     * object in a bucket ({@link TensorFileReader#open(Path, java.nio.channels.FileChannel,
     * boolean, long)}). Closing the checkpoint closes the reader.
     *
     * @param reader the reader; the checkpoint owns it from now on
     * @return the checkpoint
     */
    public static TensorFile of(TensorFileReader reader) {
        TensorFile checkpoint = new TensorFile();
        checkpoint.adopt(List.of(reader), null);
        return checkpoint;
    }

    /**
     * Wraps one open reader as a checkpoint of the tensors {@code options} ask for, read lazily.
     * Closing the checkpoint closes the reader, as does a failure here.
     *
     * @param reader the reader; the checkpoint owns it from now on
     * @param options which tensors to keep; a name the file lacks is an error
     * @return the checkpoint
     * @throws TensorFileFormatException if a requested tensor is not in the file ({@link
     *     Kind#MISSING_TENSOR})
     * @throws IOException if the reader cannot be closed after such an error
     */
    public static TensorFile of(TensorFileReader reader, ReadOptions options) throws IOException {
        Map<String, TensorFileReader> owners = new LinkedHashMap<>();
        for (TensorEntry entry : reader.header().entries()) {
            owners.put(entry.name(), reader);
        }
        return of(reader.file(), List.of(reader), owners, options);
    }

    /**
     * Takes over readers: their format version, integrity and user metadata (the first one's), and
     * lazily each tensor its owner holds.
     */
    private void adopt(List<TensorFileReader> readers, Map<String, TensorFileReader> owners) {
        sources.addAll(readers);
        TensorFileReader first = readers.get(0);
        formatVersion = first.formatVersion();
        integrity = first.integrity();
        for (Map.Entry<String, String> entry : first.header().metadata().entrySet()) {
            String key = entry.getKey();
            if (!FormatKeys.RESERVED.contains(key) && !FormatKeys.SHARD_KEYS.contains(key)) {
                metadata.put(key, entry.getValue());
            }
        }
        if (owners == null) {
            for (TensorEntry entry : first.header().entries()) {
                tensors.put(entry.name(), Tensor.lazy(first, entry));
            }
        }
    }

    /**
     * Loads a checkpoint.
     *
     * @param path a named-tensor file, a shard index ({@code *.index.json}), or a file name whose
     *     {@code .index.json} sibling exists; a plain file takes precedence over an index
     * @param options which tensors to load, and whether to verify
     * @return the checkpoint, reading tensor data lazily
     * @throws IOException if the file cannot be read, or is malformed or damaged
     */
    public static TensorFile load(Path path, ReadOptions options) throws IOException {
        Path index = ShardedTensorFiles.indexFor(path);
        List<TensorFileReader> readers;
        Map<String, TensorFileReader> owners = new LinkedHashMap<>();
        if (index != null) {
            readers = ShardedTensorFiles.open(index, options, owners);
        } else {
            return of(
                    TensorFileReader.open(path, options.verify(), options.maxHeaderBytes()),
                    options);
        }
        return of(path, readers, owners, options);
    }

    /**
     * Loads a sharded checkpoint wherever its shards are, such as objects of a bucket: only the
     * shards that hold the tensors {@code options} ask for are opened.
     *
     * @param index the parsed index
     * @param opener opens a shard by name
     * @param options which tensors to load, and whether to verify
     * @return the checkpoint, reading tensor data lazily
     * @throws IOException if a shard is missing, unreadable, malformed or disagrees with the index
     */
    public static TensorFile load(
            ShardIndex index, ShardIndex.ShardOpener opener, ReadOptions options)
            throws IOException {
        Map<String, TensorFileReader> owners = new LinkedHashMap<>();
        List<TensorFileReader> readers = index.open(opener, options, owners);
        return of(index.file(), readers, owners, options);
    }

    /**
     * Makes a checkpoint of open readers, keeping the tensors {@code options} ask for; closes the
     * readers if one of those tensors is missing.
     */
    private static TensorFile of(
            Path path,
            List<TensorFileReader> readers,
            Map<String, TensorFileReader> owners,
            ReadOptions options)
            throws IOException {
        TensorFile checkpoint = new TensorFile();
        try {
            checkpoint.adopt(readers, owners);
            Set<String> wanted = options.names();
            if (wanted != null) {
                for (String name : wanted) {
                    if (!owners.containsKey(name)) {
                        throw new TensorFileFormatException(
                                Kind.MISSING_TENSOR,
                                path,
                                name,
                                "requested tensor is not in the checkpoint");
                    }
                }
            }
            for (Map.Entry<String, TensorFileReader> owner : owners.entrySet()) {
                if (wanted == null || wanted.contains(owner.getKey())) {
                    TensorFileReader reader = owner.getValue();
                    checkpoint.tensors.put(
                            owner.getKey(),
                            Tensor.lazy(reader, reader.header().entry(owner.getKey())));
                }
            }
            return checkpoint;
        } catch (IOException | RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * Saves durably to one file.
     *
     * @param path the file to create or replace atomically
     * @throws IOException if a tensor cannot be read or the file cannot be written
     */
    public void save(Path path) throws IOException {
        save(path, WriteOptions.defaults());
    }

    /**
     * Saves with options: to one file, or sharded when the data exceed {@link
     * WriteOptions#maxShardBytes()}. Either replaces an earlier save at the same path, single-file
     * or sharded.
     *
     * @param path the file to create or replace atomically; for a sharded save, the base name of
     *     the shards and of the index ({@code <path>.index.json})
     * @param options durability, sharding and compression
     * @throws IOException if a tensor cannot be read or a file cannot be written
     */
    public void save(Path path, WriteOptions options) throws IOException {
        long total = 0;
        for (Tensor tensor : tensors.values()) {
            total += tensor.byteSize();
        }
        if (total > options.maxShardBytes()) {
            ShardedTensorFiles.write(path, tensors, metadata, options);
        } else {
            TensorFileWriter.write(
                    path, tensors, metadata, options.durable(), options.compression());
            ShardedTensorFiles.deleteShards(path);
        }
    }

    /**
     * Adds or replaces a tensor; a new name goes last in the order.
     *
     * @param name the tensor's name
     * @param tensor the tensor
     * @return this checkpoint
     */
    public TensorFile put(String name, Tensor tensor) {
        if (name == null || name.isEmpty() || TensorHeader.METADATA_KEY.equals(name)) {
            throw new IllegalArgumentException("invalid tensor name \"" + name + "\"");
        }
        tensors.put(name, java.util.Objects.requireNonNull(tensor, "tensor"));
        return this;
    }

    /**
     * Returns a tensor.
     *
     * @param name the tensor's name
     * @return the tensor
     * @throws java.util.NoSuchElementException if there is no such tensor
     */
    public Tensor get(String name) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new java.util.NoSuchElementException("no tensor named " + name);
        }
        return tensor;
    }

    /**
     * Tells whether a tensor is present.
     *
     * @param name the tensor's name
     * @return true when present
     */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * Removes a tensor.
     *
     * @param name the tensor's name
     * @return the removed tensor, or {@code null} if there was none
     */
    public Tensor remove(String name) {
        return tensors.remove(name);
    }

    /**
     * Returns the tensors, in order.
     *
     * @return an unmodifiable view of the tensors by name
     */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /**
     * Returns the tensor names, in order.
     *
     * @return an unmodifiable view of the names
     */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /**
     * Returns the metadata: the caller's entries and any unknown entries a loaded file carried.
     *
     * @return an unmodifiable view, sorted by key
     */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Sets a metadata entry.
     *
     * @param key the key; the format's own {@code odyssey.*} keys are reserved
     * @param value the value
     * @return this checkpoint
     */
    public TensorFile putMetadata(String key, String value) {
        if (FormatKeys.RESERVED.contains(key) || FormatKeys.SHARD_KEYS.contains(key)) {
            throw new IllegalArgumentException("metadata key " + key + " is reserved");
        }
        metadata.put(key, java.util.Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Returns the format version of the loaded file.
     *
     * @return the version; 0 for a plain safetensors file; {@link FormatKeys#CURRENT_VERSION} for a
     *     checkpoint built in memory
     */
    public int formatVersion() {
        return formatVersion;
    }

    /**
     * Returns how far the loaded data is checked.
     *
     * @return the integrity status; {@link Integrity#VERIFIED} for a checkpoint built in memory
     */
    public Integrity integrity() {
        return integrity;
    }

    /**
     * Checks every tensor of a loaded checkpoint against its checksum now, rather than on read.
     *
     * @throws IOException if a tensor is damaged, naming it and its file
     */
    public void verify() throws IOException {
        for (Closeable source : sources) {
            ((TensorFileReader) source).verify();
        }
    }

    /**
     * Tells whether a path names an existing checkpoint, single-file or sharded.
     *
     * @param path the path given to {@link #save(Path)}
     * @return true when a file or shard index exists for it
     */
    public static boolean exists(Path path) {
        return Files.isRegularFile(path) || ShardedTensorFiles.indexFor(path) != null;
    }

    /** Closes the files a loaded checkpoint reads from. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Closeable source : sources) {
            try {
                source.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        sources.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
