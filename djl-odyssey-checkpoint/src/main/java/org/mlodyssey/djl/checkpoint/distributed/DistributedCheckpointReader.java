/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;

/**
 * Loads slices of the global tensors of a committed distributed checkpoint, under any split: a
 * requested slice is assembled from whichever chunks intersect it, reading only the checksummed
 * blocks it touches, each checked before use. {@link #bytesRead()} counts what was read. Safe for
 * use by several threads.
 *
 * <pre>{@code
 * try (DistributedCheckpointReader reader = DistributedCheckpointReader.open(store, "step-1000")) {
 *     ByteBuffer rows = reader.read("fc.weight", Slice.rows(shape, 512, 512));
 * }
 * }</pre>
 */
public final class DistributedCheckpointReader implements Closeable {

    private final CheckpointStore store;
    private final String checkpoint;
    private final String location;
    private final DistributedMetadata metadata;
    private final Map<String, ObjectReader> open = new HashMap<>();
    private final LongAdder bytesRead = new LongAdder();

    private DistributedCheckpointReader(
            CheckpointStore store, String checkpoint, DistributedMetadata metadata) {
        this.store = store;
        this.checkpoint = checkpoint;
        this.location = DistributedLayout.location(store, checkpoint);
        this.metadata = metadata;
    }

    /**
     * Opens a committed checkpoint: reads and validates its global metadata (fields, and that the
     * chunks tile every tensor) and checks that every rank's file is there with its recorded size.
     *
     * @param store the store
     * @param checkpoint the checkpoint's name in the store
     * @return the reader, to be closed (the store is not closed with it)
     * @throws DistributedCheckpointException if the checkpoint is not committed, its metadata is
     *     invalid, or a rank's file is missing or of another size
     * @throws IOException if the store cannot be read
     */
    public static DistributedCheckpointReader open(CheckpointStore store, String checkpoint)
            throws IOException {
        String prefix = DistributedLayout.prefix(checkpoint);
        String key = prefix + DistributedLayout.METADATA;
        Optional<byte[]> json = DistributedLayout.readSmall(store, key);
        if (json.isEmpty()) {
            throw new DistributedCheckpointException(
                    Kind.NOT_COMMITTED,
                    DistributedLayout.location(store, checkpoint),
                    null,
                    -1,
                    DistributedLayout.METADATA,
                    "no global metadata: the checkpoint was never committed (or is not a"
                            + " distributed checkpoint)");
        }
        DistributedMetadata metadata = DistributedMetadata.parse(json.get(), store.locationOf(key));
        Map<String, Long> sizes = new HashMap<>();
        for (StoredObject object : store.list(prefix)) {
            sizes.put(object.key().substring(prefix.length()), object.size());
        }
        for (RankFile file : metadata.files()) {
            Long size = sizes.get(file.key());
            if (size == null) {
                throw fileException(
                        Kind.MISSING_FILE,
                        store,
                        checkpoint,
                        file,
                        "the committed checkpoint's file of rank " + file.rank() + " is missing");
            }
            if (size != file.size()) {
                throw fileException(
                        Kind.FILE_MISMATCH,
                        store,
                        checkpoint,
                        file,
                        "the file has " + size + " bytes, the metadata says " + file.size());
            }
        }
        return new DistributedCheckpointReader(store, checkpoint, metadata);
    }

    /** The error for a rank's file that the committed metadata names but the store disagrees on. */
    private static DistributedCheckpointException fileException(
            Kind kind, CheckpointStore store, String checkpoint, RankFile file, String message) {
        return new DistributedCheckpointException(
                kind,
                DistributedLayout.location(store, checkpoint),
                null,
                file.rank(),
                file.key(),
                message);
    }

    /**
     * Returns the checkpoint's global metadata.
     *
     * @return the metadata
     */
    public DistributedMetadata metadata() {
        return metadata;
    }

    /**
     * Returns one global tensor's layout.
     *
     * @param name the tensor's name
     * @return its dtype, shape and chunks
     * @throws DistributedCheckpointException if the checkpoint has no such tensor
     */
    public TensorLayout tensor(String name) throws DistributedCheckpointException {
        TensorLayout layout = metadata.tensors().get(name);
        if (layout == null) {
            throw new DistributedCheckpointException(
                    Kind.UNKNOWN_TENSOR, location, name, -1, null, "no such tensor");
        }
        return layout;
    }

    /**
     * Reads a whole global tensor.
     *
     * @param name the tensor's name
     * @return its elements, C order, little-endian, in a new buffer
     * @throws IOException if the tensor is unknown, a read fails or a block is damaged
     */
    public ByteBuffer read(String name) throws IOException {
        return read(name, Slice.whole(tensor(name).shape()));
    }

    /**
     * Reads a slice of a global tensor.
     *
     * @param name the tensor's name
     * @param slice the part wanted, within the tensor's shape
     * @return its elements, C order, little-endian, in a new buffer
     * @throws IOException if the tensor is unknown, the slice invalid, a read fails or a block is
     *     damaged
     */
    public ByteBuffer read(String name, Slice slice) throws IOException {
        TensorLayout layout = tensor(name);
        long bytes;
        try {
            bytes = Math.multiplyExact(slice.elements(), layout.dtype().byteSize());
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DistributedCheckpointException(
                    Kind.INVALID_SLICE,
                    location,
                    name,
                    -1,
                    null,
                    "slice " + slice + " has " + bytes + " bytes; read it in parts under 2 GiB");
        }
        ByteBuffer target = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        readInto(name, slice, target);
        return target;
    }

    /**
     * Reads a slice of a global tensor into a buffer.
     *
     * @param name the tensor's name
     * @param slice the part wanted, within the tensor's shape
     * @param target receives the elements, C order, little-endian, from index 0; its position is
     *     neither used nor moved
     * @throws IOException if the tensor is unknown, the slice invalid or larger than the buffer, a
     *     read fails or a block is damaged
     */
    public void readInto(String name, Slice slice, ByteBuffer target) throws IOException {
        TensorLayout layout = tensor(name);
        if (!slice.isWithin(layout.shape())) {
            throw new DistributedCheckpointException(
                    Kind.INVALID_SLICE,
                    location,
                    name,
                    -1,
                    null,
                    "slice "
                            + slice
                            + " is not within the shape "
                            + java.util.Arrays.toString(layout.shape()));
        }
        if (slice.elements() * layout.dtype().byteSize() > target.capacity()) {
            throw new IllegalArgumentException(
                    name + ": slice " + slice + " does not fit a buffer of " + target.capacity());
        }
        for (Chunk chunk : layout.chunks()) {
            Optional<Slice> region = chunk.slice().intersect(slice);
            if (region.isPresent()) {
                ChunkBlocks.copy(
                        location, chunk, region.get(), slice, target, reader(chunk), bytesRead);
            }
        }
    }

    /**
     * Checks the whole checkpoint: every rank's file against its recorded CRC32C, and every block
     * of every chunk against its own.
     *
     * @throws DistributedCheckpointException naming the rank, file and tensor at fault
     * @throws IOException if reading fails
     */
    public void verify() throws IOException {
        for (RankFile file : metadata.files()) {
            ObjectReader reader = reader(file.rank(), file.key());
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < file.size(); ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), file.size() - at));
                reader.readFully(buffer, at);
                at += buffer.flip().remaining();
                crc.update(buffer);
            }
            bytesRead.add(file.size());
            if ((int) crc.getValue() != file.crc32c()) {
                throw new DistributedCheckpointException(
                        Kind.FILE_MISMATCH,
                        location,
                        null,
                        file.rank(),
                        file.key(),
                        "the file's CRC32C is "
                                + FormatKeys.hex((int) crc.getValue())
                                + ", the metadata says "
                                + FormatKeys.hex(file.crc32c()));
            }
        }
        for (TensorLayout tensor : metadata.tensors().values()) {
            for (Chunk chunk : tensor.chunks()) {
                ChunkBlocks.verify(location, chunk, reader(chunk), bytesRead);
            }
        }
    }

    /**
     * Returns the number of bytes read from the rank files so far (whole checksummed blocks).
     *
     * @return the byte count
     */
    public long bytesRead() {
        return bytesRead.sum();
    }

    private ObjectReader reader(Chunk chunk) throws IOException {
        return reader(chunk.rank(), chunk.file());
    }

    private synchronized ObjectReader reader(int rank, String file) throws IOException {
        ObjectReader reader = open.get(file);
        if (reader == null) {
            try {
                reader = store.open(DistributedLayout.prefix(checkpoint) + file);
            } catch (NoSuchFileException e) {
                throw new DistributedCheckpointException(
                        Kind.MISSING_FILE,
                        location,
                        null,
                        rank,
                        file,
                        "the committed checkpoint's file of rank " + rank + " is missing",
                        e);
            }
            open.put(file, reader);
        }
        return reader;
    }

    /** Closes the rank files this reader opened (not the store). */
    @Override
    public synchronized void close() throws IOException {
        IOException failure = null;
        for (ObjectReader reader : List.copyOf(open.values())) {
            try {
                reader.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
