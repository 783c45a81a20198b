/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;

/**
 * A chunk's checksummed blocks when loading a region of the chunk: the reads of just the blocks the
 * region touches, each block checked before any of its bytes are used (the saving side computes
 * their CRC32Cs in {@link BlockChecksummingChannel}).
 */
final class ChunkBlocks {

    /** The smallest block size a chunk may declare. */
    static final int MIN_BLOCK_BYTES = 64;

    /** The block size written by default: 64 KiB. */
    static final int DEFAULT_BLOCK_BYTES = 64 << 10;

    /** The most bytes one read holds at a time (whole blocks, at least one). */
    private static final long MAX_READ_BYTES = 16 << 20;

    private ChunkBlocks() {}

    /**
     * Copies a region of a chunk into a target buffer, reading only the blocks the region touches.
     *
     * @param checkpoint the checkpoint's location, for messages
     * @param chunk the chunk
     * @param region the elements to copy, inside the chunk and the target slice
     * @param target the slice the target buffer holds
     * @param dst the target buffer, C order from position 0 (its position is not used)
     * @param reader the chunk's file
     * @param bytesRead counts the bytes read from the file
     * @throws IOException if reading fails or a block does not match its checksum
     */
    static void copy(
            String checkpoint,
            Chunk chunk,
            Slice region,
            Slice target,
            ByteBuffer dst,
            ObjectReader reader,
            LongAdder bytesRead)
            throws IOException {
        SliceCopy.Runs runs =
                SliceCopy.runs(region, chunk.slice(), target, chunk.dtype().byteSize());
        long block = chunk.blockBytes();
        long blocksPerRead = Math.max(1, MAX_READ_BYTES / block);
        int run = 0;
        long runDone = 0; // bytes of runs[run] already copied
        while (run < runs.count) {
            // The next read: from the block of the first byte still to copy, to the block of
            // the last byte of the runs that follow without a gap of a whole block, capped.
            long start = runs.source[run] + runDone;
            long firstBlock = start / block;
            long endBlock = firstBlock + 1;
            int last = run;
            while (true) {
                long runEnd = runs.source[last] + runs.length[last];
                endBlock =
                        Math.max(
                                endBlock,
                                Math.min((runEnd + block - 1) / block, firstBlock + blocksPerRead));
                if (runEnd > endBlock * block
                        || last + 1 == runs.count
                        || runs.source[last + 1] / block > endBlock
                        || endBlock - firstBlock >= blocksPerRead) {
                    break;
                }
                last++;
            }
            long from = firstBlock * block;
            long to = Math.min(endBlock * block, chunk.byteLength());
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(to - from));
            readFully(checkpoint, chunk, reader, bytes, chunk.byteOffset() + from);
            bytesRead.add(to - from);
            check(checkpoint, chunk, bytes, firstBlock);
            // Copy every run's part within [from, to).
            while (run < runs.count) {
                long s = runs.source[run] + runDone;
                long remaining = runs.length[run] - runDone;
                if (s >= to) {
                    break;
                }
                long n = Math.min(remaining, to - s);
                ByteBuffer part = bytes.duplicate();
                part.position((int) (s - from)).limit((int) (s - from + n));
                dst.put(
                        Math.toIntExact(runs.target[run] + runDone),
                        part,
                        part.position(),
                        (int) n);
                if (n == remaining) {
                    run++;
                    runDone = 0;
                } else {
                    runDone += n;
                    break;
                }
            }
        }
    }

    /**
     * Reads and checks every block of a chunk.
     *
     * @param checkpoint the checkpoint's location, for messages
     * @param chunk the chunk
     * @param reader the chunk's file
     * @param bytesRead counts the bytes read
     * @throws IOException if reading fails or a block does not match its checksum
     */
    static void verify(String checkpoint, Chunk chunk, ObjectReader reader, LongAdder bytesRead)
            throws IOException {
        long piece = Math.max(1, MAX_READ_BYTES / chunk.blockBytes()) * chunk.blockBytes();
        for (long from = 0; from < chunk.byteLength(); from += piece) {
            long to = Math.min(from + piece, chunk.byteLength());
            ByteBuffer bytes = ByteBuffer.allocate((int) (to - from));
            readFully(checkpoint, chunk, reader, bytes, chunk.byteOffset() + from);
            bytesRead.add(to - from);
            check(checkpoint, chunk, bytes, from / chunk.blockBytes());
        }
    }

    private static void readFully(
            String checkpoint, Chunk chunk, ObjectReader reader, ByteBuffer bytes, long position)
            throws IOException {
        try {
            reader.readFully(bytes, position);
        } catch (EOFException e) {
            throw new DistributedCheckpointException(
                    Kind.FILE_MISMATCH,
                    checkpoint,
                    chunk.tensor(),
                    chunk.rank(),
                    chunk.file(),
                    "the file ends before chunk " + chunk.slice() + " does: " + e.getMessage(),
                    e);
        }
    }

    private static void check(String checkpoint, Chunk chunk, ByteBuffer bytes, long firstBlock)
            throws DistributedCheckpointException {
        CRC32C crc = new CRC32C();
        int block = chunk.blockBytes();
        for (int at = 0; at < bytes.limit(); at += block) {
            crc.reset();
            crc.update(bytes.duplicate().position(at).limit(Math.min(at + block, bytes.limit())));
            long index = firstBlock + at / block;
            int expected = chunk.blockCrc32c()[(int) index];
            if ((int) crc.getValue() != expected) {
                throw new DistributedCheckpointException(
                        Kind.CHECKSUM_MISMATCH,
                        checkpoint,
                        chunk.tensor(),
                        chunk.rank(),
                        chunk.file(),
                        "block "
                                + index
                                + " of chunk "
                                + chunk.slice()
                                + " (file bytes "
                                + (chunk.byteOffset() + index * block)
                                + "..) has CRC32C "
                                + FormatKeys.hex((int) crc.getValue())
                                + ", the metadata says "
                                + FormatKeys.hex(expected));
            }
        }
    }
}
