/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads compressed tensors of a version 2 file: only the chunks a read needs, decoded in parallel
 * on all cores, at most {@link ChunkPipeline#window()} chunks in memory at once.
 */
final class ChunkReader {

    /** Per pool thread: stored bytes, decompressed (filtered) bytes, decoded bytes. */
    private static final ThreadLocal<byte[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[3][]);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;

    /**
     * Constructs a reader.
     *
     * @param file the file, for error messages
     * @param channel the open file
     * @param dataStart the file offset of the data region
     */
    ChunkReader(Path file, FileChannel channel, long dataStart) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
    }

    /**
     * Decodes a whole tensor into a buffer.
     *
     * @param table the tensor's chunk table
     * @param target receives {@link ChunkTable#byteSize()} bytes from its position, which does not
     *     move
     * @throws IOException if the file cannot be read or a chunk is damaged
     */
    void readInto(ChunkTable table, ByteBuffer target) throws IOException {
        int base = target.position();
        ChunkPipeline.run(
                table.chunkCount(),
                i ->
                        () ->
                                decodeChunk(
                                        table,
                                        i,
                                        target.slice(
                                                base + (int) ((long) i * table.chunkBytes()),
                                                table.chunkLength(i)),
                                        false),
                (i, none) -> {});
    }

    /**
     * Decodes part of a tensor, reading only the chunks that hold it.
     *
     * @param table the tensor's chunk table
     * @param offset the first byte, relative to the tensor's uncompressed data
     * @param target receives the bytes from its position to its limit
     * @throws IOException if the file cannot be read or a chunk is damaged
     */
    void readRange(ChunkTable table, long offset, ByteBuffer target) throws IOException {
        int length = target.remaining();
        if (length == 0) {
            return;
        }
        int first = (int) (offset / table.chunkBytes());
        int last = (int) ((offset + length - 1) / table.chunkBytes());
        int base = target.position();
        ChunkPipeline.run(
                last - first + 1,
                j ->
                        () -> {
                            int i = first + j;
                            byte[] chunk = decode(table, i, scratch(table.chunkBytes()));
                            long chunkStart = (long) i * table.chunkBytes();
                            long from = Math.max(offset, chunkStart);
                            long to = Math.min(offset + length, chunkStart + table.chunkLength(i));
                            ByteBuffer region = target.duplicate();
                            region.position(base + (int) (from - offset));
                            region.put(chunk, (int) (from - chunkStart), (int) (to - from));
                            return null;
                        },
                (j, none) -> {});
    }

    /**
     * Decodes one chunk into a buffer and returns the CRC32C of its bytes; runs on any thread.
     *
     * @param table the tensor's chunk table
     * @param index the chunk's index
     * @param region receives exactly {@link ChunkTable#chunkLength(int)} bytes from its position,
     *     which does not move; or {@code null} to decode the chunk only for its checksum
     * @param crc whether to compute the checksum
     * @return the CRC32C of the chunk's uncompressed bytes, or 0 without {@code crc}
     * @throws IOException if the file cannot be read or the chunk is damaged
     */
    int decodeChunk(ChunkTable table, int index, ByteBuffer region, boolean crc)
            throws IOException {
        int length = table.chunkLength(index);
        // Un-filtered into an array, then copied in bulk: gathering the planes into an array runs
        // several times faster than storing element by element into a (direct) buffer.
        byte[] chunk = decode(table, index, scratch(table.chunkBytes()));
        if (region != null) {
            region.duplicate().put(chunk, 0, length);
        }
        return crc ? crc32c(ByteBuffer.wrap(chunk, 0, length)) : 0;
    }

    /**
     * Computes the CRC32C of a tensor's uncompressed data, chunk by chunk.
     *
     * @param table the tensor's chunk table
     * @return the checksum
     * @throws IOException if the file cannot be read or a chunk is damaged
     */
    int crc32c(ChunkTable table) throws IOException {
        CRC32C crc = new CRC32C();
        ChunkPipeline.run(
                table.chunkCount(),
                i -> () -> decode(table, i, new byte[3][]),
                (i, chunk) -> crc.update(chunk, 0, table.chunkLength(i)));
        return (int) crc.getValue();
    }

    /**
     * Returns this thread's scratch arrays, grown to hold a chunk of the default size or less;
     * fresh arrays for larger chunks, which are not kept.
     */
    private static byte[][] scratch(int chunkBytes) {
        if (chunkBytes > Compression.DEFAULT_CHUNK_BYTES) {
            return new byte[3][];
        }
        byte[][] scratch = SCRATCH.get();
        for (int i = 0; i < scratch.length; i++) {
            if (scratch[i] == null || scratch[i].length < chunkBytes) {
                scratch[i] = new byte[chunkBytes];
            }
        }
        return scratch;
    }

    private static byte[] array(byte[][] scratch, int slot, int length) {
        if (scratch[slot] == null || scratch[slot].length < length) {
            scratch[slot] = new byte[length];
        }
        return scratch[slot];
    }

    private static int crc32c(ByteBuffer bytes) {
        CRC32C checksum = new CRC32C();
        checksum.update(bytes);
        return (int) checksum.getValue();
    }

    /**
     * Reads and decodes one chunk.
     *
     * @param scratch three arrays to reuse (grown or allocated when missing or too short)
     * @return one of the arrays, whose first {@code table.chunkLength(index)} bytes are the chunk's
     *     data
     */
    private byte[] decode(ChunkTable table, int index, byte[][] scratch) throws IOException {
        int length = table.chunkLength(index);
        int storedLength = table.storedLength(index);
        byte[] stored = array(scratch, 0, storedLength);
        ByteBuffer buffer = ByteBuffer.wrap(stored, 0, storedLength);
        DataRegion.readFully(
                channel, buffer, dataStart + table.storedOffset(index), file, table.subject(index));
        if (storedLength == length) {
            return stored; // stored verbatim: neither compressed nor filtered
        }
        byte[] filtered = array(scratch, 1, length);
        if (table.filter().framePerPlane()) {
            ChunkCodec.decompressPlanes(
                    stored,
                    storedLength,
                    filtered,
                    length,
                    table.dtype().byteSize(),
                    file,
                    table.subject(index));
        } else {
            ChunkCodec.decompress(
                    stored, storedLength, filtered, length, file, table.subject(index));
        }
        if (table.filter() == ChunkFilter.NONE) {
            return filtered;
        }
        byte[] data = array(scratch, 2, length);
        table.filter().decode(table.dtype().byteSize(), filtered, data, length);
        return data;
    }
}
