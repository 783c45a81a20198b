/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * The files of one training checkpoint stored under the prefix {@code <name>/} of a {@link
 * CheckpointStore}.
 *
 * @param store the store
 * @param name the checkpoint's name, the first segment of its keys
 */
record StoredCheckpointFiles(CheckpointStore store, String name) implements CheckpointFiles {

    /** How much of an object one CRC32C pass reads at a time. */
    private static final int CHUNK = 8 << 20;

    /**
     * Returns the key of one of the checkpoint's files.
     *
     * @param file the file's name in the checkpoint
     * @return {@code <name>/<file>}
     */
    String keyOf(String file) {
        return name + "/" + file;
    }

    @Override
    public String readText(String file, int maxBytes) throws IOException {
        return readText(store, keyOf(file), maxBytes);
    }

    /**
     * Reads a small object of a store as strict UTF-8, as {@link BoundedFiles#readUtf8} reads a
     * file.
     *
     * @param store the store
     * @param key the key
     * @param maxBytes the largest size accepted
     * @return the text
     * @throws java.nio.file.NoSuchFileException if the key does not exist
     * @throws BoundedReadException if the object is too large or not UTF-8
     * @throws IOException if reading fails
     */
    static String readText(CheckpointStore store, String key, int maxBytes) throws IOException {
        Path label = Locations.asPath(store.locationOf(key));
        try (ObjectReader reader = store.open(key)) {
            if (reader.size() > maxBytes) {
                throw new BoundedReadException(
                        BoundedReadException.Kind.TOO_LARGE,
                        label,
                        -1,
                        "is "
                                + reader.size()
                                + " bytes, more than the "
                                + maxBytes
                                + " this file may have");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) reader.size());
            reader.readFully(bytes, 0);
            return BoundedFiles.decodeUtf8(bytes.array(), label);
        }
    }

    @Override
    public OptionalLong size(String file) throws IOException {
        Optional<StoredObject> found = store.stat(keyOf(file));
        return found.isPresent() ? OptionalLong.of(found.get().size()) : OptionalLong.empty();
    }

    @Override
    public int crc32c(String file) throws IOException {
        CRC32C crc = new CRC32C();
        try (ObjectReader reader = store.open(keyOf(file))) {
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(CHUNK, reader.size()));
            for (long at = 0; at < reader.size(); ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), reader.size() - at));
                reader.readFully(buffer, at);
                buffer.flip();
                at += buffer.remaining();
                crc.update(buffer);
            }
        }
        return (int) crc.getValue();
    }

    @Override
    public Map<String, NDArray> load(String file, NDManager manager) throws IOException {
        return StoredNDArrays.load(store, keyOf(file), manager, Device.cpu());
    }
}
