/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.internal.ChecksummingChannel;

/**
 * Passes a rank file's bytes on to another channel and computes, on the way, the CRC32C of every
 * block of every chunk's data (the checksums a rank's manifest records). Bytes go on in pieces of
 * at most {@link ChecksummingChannel#PIECE} bytes, each checksummed right after it is written,
 * while it is still in the processor's cache, so that the chunk's bytes are read from memory once
 * for the file, its checksum and the block checksums together.
 *
 * <p>The chunks are consecutive regions of the file, in order, each starting a new block.
 */
final class BlockChecksummingChannel implements WritableByteChannel {

    private final WritableByteChannel out;
    private final long[] starts;
    private final long[] lengths;
    private final int blockBytes;
    private final int[][] crcs;
    private final CRC32C crc = new CRC32C();
    private long position;
    private int region;

    /**
     * Wraps a channel.
     *
     * @param out where the bytes go
     * @param starts where each chunk's data starts in the file, ascending
     * @param lengths the length of each chunk's data; each chunk ends at or before the next starts
     * @param blockBytes the block size
     */
    BlockChecksummingChannel(
            WritableByteChannel out, long[] starts, long[] lengths, int blockBytes) {
        this.out = out;
        this.starts = starts.clone();
        this.lengths = lengths.clone();
        this.blockBytes = blockBytes;
        this.crcs = new int[starts.length][];
        for (int i = 0; i < starts.length; i++) {
            crcs[i] = new int[Math.toIntExact(Chunk.blockCount(lengths[i], blockBytes))];
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return ChecksummingChannel.writeInPieces(out, src, this::checksum);
    }

    /**
     * Returns how many bytes went through.
     *
     * @return the count
     */
    long bytesWritten() {
        return position;
    }

    /**
     * Returns the block checksums of every chunk, once all of the file's bytes went through.
     *
     * @return the checksums, per chunk, in order
     * @throws IllegalStateException if a chunk's bytes did not all go through
     */
    int[][] blockCrcs() {
        skipEmptyRegions();
        if (region < starts.length) {
            throw new IllegalStateException(
                    "chunk "
                            + region
                            + " ends at byte "
                            + (starts[region] + lengths[region])
                            + " of the file, but only "
                            + position
                            + " bytes were written");
        }
        return crcs;
    }

    /** Adds the bytes at the current position to the blocks they belong to. */
    private void checksum(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            skipEmptyRegions();
            if (region == starts.length) {
                position += bytes.remaining();
                return;
            }
            long start = starts[region];
            if (position < start) {
                int skip = (int) Math.min(bytes.remaining(), start - position);
                bytes.position(bytes.position() + skip);
                position += skip;
                continue;
            }
            long inRegion = position - start;
            int block = (int) (inRegion / blockBytes);
            long blockEnd = Math.min((long) (block + 1) * blockBytes, lengths[region]);
            int take = (int) Math.min(bytes.remaining(), blockEnd - inRegion);
            ByteBuffer part = bytes.duplicate();
            part.limit(part.position() + take);
            crc.update(part);
            bytes.position(bytes.position() + take);
            position += take;
            if (inRegion + take == blockEnd) {
                crcs[region][block] = (int) crc.getValue();
                crc.reset();
                if (blockEnd == lengths[region]) {
                    region++;
                }
            }
        }
    }

    private void skipEmptyRegions() {
        while (region < starts.length && lengths[region] == 0 && position >= starts[region]) {
            region++;
        }
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() {
        // The channel below belongs to the caller.
    }
}
