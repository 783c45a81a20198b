/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import org.mlodyssey.djl.checkpoint.format.TensorDType;

/**
 * One stored chunk of a global tensor: the slice it holds, the rank and file that hold it, where
 * its bytes lie in that file (contiguous, C order, little-endian) and the CRC32C of each block of
 * {@code blockBytes} bytes of them (the last block may be shorter). The arrays are not copied: they
 * must not be changed.
 *
 * @param tensor the global tensor's name
 * @param dtype the element type
 * @param globalShape the global tensor's shape
 * @param slice the part of the tensor the chunk holds
 * @param rank the rank whose file holds the chunk
 * @param file the file's key, relative to the checkpoint
 * @param fileTensor the chunk's tensor name inside the file
 * @param byteOffset the offset of the chunk's first byte in the file
 * @param byteLength the chunk's size in bytes
 * @param blockBytes the size of a checksummed block
 * @param blockCrc32c the CRC32C of every block, in order
 */
public record Chunk(
        String tensor,
        TensorDType dtype,
        long[] globalShape,
        Slice slice,
        int rank,
        String file,
        String fileTensor,
        long byteOffset,
        long byteLength,
        int blockBytes,
        int[] blockCrc32c) {

    /**
     * Returns the number of checksummed blocks a chunk of a size has.
     *
     * @param byteLength the chunk's size
     * @param blockBytes the block size
     * @return the number of blocks
     */
    static long blockCount(long byteLength, int blockBytes) {
        return (byteLength + blockBytes - 1) / blockBytes;
    }
}
