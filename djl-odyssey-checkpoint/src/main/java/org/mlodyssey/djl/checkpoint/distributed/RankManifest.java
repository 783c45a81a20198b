/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.util.List;

/**
 * What one rank published after writing its file: the save it belongs to, its file and the chunks
 * in it. A {@link SaveCoordination} carries it to the coordinator ({@link #toJson()} and {@link
 * #parse} give it as bytes for a user's own process group).
 *
 * @param saveId the identifier every rank of one save shares
 * @param rank the rank
 * @param worldSize the number of ranks of the save
 * @param file the rank's file
 * @param chunks the chunks the file holds
 */
public record RankManifest(
        String saveId, int rank, int worldSize, RankFile file, List<Chunk> chunks) {

    /**
     * Creates a manifest.
     *
     * @param saveId the identifier every rank of one save shares
     * @param rank the rank
     * @param worldSize the number of ranks of the save
     * @param file the rank's file
     * @param chunks the chunks the file holds
     */
    public RankManifest {
        chunks = List.copyOf(chunks);
    }

    /**
     * Encodes the manifest as JSON (UTF-8), the form the storage coordination publishes.
     *
     * @return the JSON bytes
     */
    public byte[] toJson() {
        return MetadataJson.encode(this);
    }

    /**
     * Parses a manifest encoded by {@link #toJson()}.
     *
     * @param json the JSON bytes
     * @param location the manifest's location, for messages
     * @return the manifest
     * @throws DistributedCheckpointException if the JSON is not a valid manifest
     */
    public static RankManifest parse(byte[] json, String location)
            throws DistributedCheckpointException {
        return MetadataJson.parseRankManifest(json, location);
    }
}
