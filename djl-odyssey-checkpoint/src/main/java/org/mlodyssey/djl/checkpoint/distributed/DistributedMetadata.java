/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The global metadata of a committed distributed checkpoint ({@code metadata.json}, written last by
 * the coordinator): the save, every rank's file, and every global tensor with its chunks.
 */
public final class DistributedMetadata {

    /** The value of the {@code format} field. */
    public static final String FORMAT_NAME = "djl-odyssey-distributed";

    /** The format version this library writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    private final String saveId;
    private final int worldSize;
    private final List<RankFile> files;
    private final SortedMap<String, TensorLayout> tensors;

    /**
     * Creates metadata.
     *
     * @param saveId the save's identifier
     * @param worldSize the number of ranks that saved
     * @param files every rank's file, in rank order
     * @param tensors the global tensors by name
     */
    public DistributedMetadata(
            String saveId,
            int worldSize,
            List<RankFile> files,
            SortedMap<String, TensorLayout> tensors) {
        this.saveId = saveId;
        this.worldSize = worldSize;
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
    }

    /**
     * Returns the save's identifier.
     *
     * @return the identifier every rank of the save shared
     */
    public String saveId() {
        return saveId;
    }

    /**
     * Returns the number of ranks that saved.
     *
     * @return the world size
     */
    public int worldSize() {
        return worldSize;
    }

    /**
     * Returns every rank's file.
     *
     * @return the files, in rank order
     */
    public List<RankFile> files() {
        return files;
    }

    /**
     * Returns the global tensors.
     *
     * @return the tensors by name, sorted
     */
    public SortedMap<String, TensorLayout> tensors() {
        return tensors;
    }

    /**
     * Encodes the metadata as JSON (UTF-8).
     *
     * @return the JSON bytes
     */
    public byte[] toJson() {
        return MetadataJson.encode(this);
    }

    /**
     * Parses and validates global metadata: its fields, and that its chunks tile every tensor.
     *
     * @param json the JSON bytes
     * @param location the metadata's location, for messages
     * @return the metadata
     * @throws DistributedCheckpointException if it is malformed or its chunks do not tile a tensor
     */
    public static DistributedMetadata parse(byte[] json, String location)
            throws DistributedCheckpointException {
        return MetadataJson.parseMetadata(json, location);
    }
}
