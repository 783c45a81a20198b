/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import java.nio.file.Path;

/** The complete, validated content of an IDX file: its dimensions and its raw element bytes. */
public final class IdxArray {

    private final Path file;
    private final IdxType type;
    private final int[] dimensions;
    private final byte[] data;

    IdxArray(Path file, IdxType type, int[] dimensions, byte[] data) {
        this.file = file;
        this.type = type;
        this.dimensions = dimensions;
        this.data = data;
    }

    /**
     * Returns the file the array was read from.
     *
     * @return the file
     */
    public Path getFile() {
        return file;
    }

    /**
     * Returns the element type.
     *
     * @return the type
     */
    public IdxType getType() {
        return type;
    }

    /**
     * Returns the dimensions.
     *
     * @return a copy of the dimensions
     */
    public int[] getDimensions() {
        return dimensions.clone();
    }

    /**
     * Returns the raw element bytes in row-major order, big-endian for multi-byte types.
     *
     * @return the data array itself (not a copy)
     */
    public byte[] getData() {
        return data;
    }
}
