/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;

/**
 * The keys of a distributed checkpoint under its prefix: each rank's file {@code
 * rank-00002-of-00004.safetensors}, each rank's manifest {@code rank-00002-of-00004.json}, and the
 * global metadata {@code metadata.json}, the commit point.
 */
public final class DistributedLayout {

    /** The global metadata's key under the checkpoint's prefix. */
    public static final String METADATA = "metadata.json";

    /** The largest metadata or manifest object read: 256 MiB. */
    static final long MAX_METADATA_BYTES = 256L << 20;

    private DistributedLayout() {}

    /**
     * Returns the key prefix of a checkpoint: its name and {@code /}, or {@code ""} for the root.
     *
     * @param checkpoint the checkpoint's name in the store
     * @return the prefix
     */
    public static String prefix(String checkpoint) {
        String name = checkpoint;
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.isEmpty() ? "" : name + "/";
    }

    /**
     * Describes where a checkpoint is, for messages.
     *
     * @param store the store
     * @param checkpoint the checkpoint's name in it; {@code ""} for the store's root
     * @return the store's location of the checkpoint
     */
    public static String location(CheckpointStore store, String checkpoint) {
        String prefix = prefix(checkpoint);
        return prefix.isEmpty()
                ? store.location()
                : store.locationOf(prefix.substring(0, prefix.length() - 1));
    }

    /**
     * Returns the key of a rank's file, relative to the checkpoint.
     *
     * @param rank the rank
     * @param worldSize the number of ranks
     * @return {@code rank-RRRRR-of-NNNNN.safetensors}
     */
    public static String rankFile(int rank, int worldSize) {
        return String.format("rank-%05d-of-%05d.safetensors", rank, worldSize);
    }

    /**
     * Returns the key of a rank's manifest, relative to the checkpoint.
     *
     * @param rank the rank
     * @param worldSize the number of ranks
     * @return {@code rank-RRRRR-of-NNNNN.json}
     */
    public static String rankManifest(int rank, int worldSize) {
        return String.format("rank-%05d-of-%05d.json", rank, worldSize);
    }

    /**
     * Tells whether a checkpoint of a store is a committed distributed checkpoint.
     *
     * @param store the store
     * @param checkpoint the checkpoint's name in it
     * @return true when its global metadata exists
     * @throws IOException if the store cannot be asked
     */
    public static boolean isCommitted(CheckpointStore store, String checkpoint) throws IOException {
        return store.stat(prefix(checkpoint) + METADATA).isPresent();
    }

    /**
     * Reads a small object whole, refusing one over {@link #MAX_METADATA_BYTES}.
     *
     * @return the bytes, or empty when the key does not exist
     */
    static Optional<byte[]> readSmall(CheckpointStore store, String key) throws IOException {
        Optional<StoredObject> stat = store.stat(key);
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        try (ObjectReader reader = store.open(key)) {
            if (reader.size() > MAX_METADATA_BYTES) {
                throw new DistributedCheckpointException(
                        Kind.MALFORMED_METADATA,
                        store.locationOf(key),
                        null,
                        -1,
                        null,
                        "has "
                                + reader.size()
                                + " bytes, more than metadata may have ("
                                + MAX_METADATA_BYTES
                                + ")");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) reader.size());
            reader.readFully(bytes, 0);
            return Optional.of(bytes.array());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
