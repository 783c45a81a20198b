/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/**
 * The data region of an open named-tensor file: fetches a tensor's bytes by its entry, a tensor
 * stored as it is by mapping or positional reads of its offsets, a compressed one through the
 * file's {@link ChunkReader}. It checks that the file holds the bytes, never what they are: the
 * reader checks them against their checksums.
 */
final class DataRegion {

    private static final int VERIFY_CHUNK = 4 << 20;

    private final Path file;
    private final FileChannel channel;
    private final TensorFileHead head;
    private final ChunkReader chunks;

    /**
     * Constructs the data region of a file.
     *
     * @param file the file, for error messages
     * @param channel the open file
     * @param head the file's head, which locates the region and its tensors
     */
    DataRegion(Path file, FileChannel channel, TensorFileHead head) {
        this.file = file;
        this.channel = channel;
        this.head = head;
        this.chunks =
                head.layout() == null ? null : new ChunkReader(file, channel, head.dataStart());
    }

    /**
     * Reads a buffer's remaining bytes from a file, from a file offset on.
     *
     * @param channel the open file
     * @param buffer receives the bytes from its position to its limit
     * @param position the file offset of the first byte
     * @param file the file, for error messages
     * @param subject the tensor or field read, for error messages; may be null
     * @throws IOException if the file cannot be read or ends before the buffer is full
     */
    static void readFully(
            FileChannel channel, ByteBuffer buffer, long position, Path file, String subject)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new TensorFileFormatException(
                        Kind.TRUNCATED, file, subject, "file ended at byte " + at);
            }
            at += n;
        }
    }

    /** Returns the reader of the file's compressed chunks, or {@code null} for a plain file. */
    ChunkReader chunks() {
        return chunks;
    }

    /**
     * Returns a whole tensor's data: a mapping of a tensor stored as it is, the decoded bytes of a
     * compressed one.
     *
     * @param entry the tensor, as {@link TensorFileHead#positioned} locates it
     * @return a read-only little-endian buffer
     * @throws IOException if the file cannot be read or a chunk is damaged
     */
    ByteBuffer read(TensorEntry entry) throws IOException {
        ChunkTable table = head.table(entry.name());
        if (table == null) {
            return map(entry.begin(), (int) entry.byteSize());
        }
        ByteBuffer buffer =
                ByteBuffer.allocateDirect((int) entry.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        chunks.readInto(table, buffer);
        return buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Reads a whole tensor's data into a buffer with positional reads.
     *
     * @param entry the tensor, as {@link TensorFileHead#positioned} locates it
     * @param region receives exactly the tensor's bytes from its position, which does not move
     * @throws IOException if the file ends early or a chunk is damaged
     */
    void readInto(TensorEntry entry, ByteBuffer region) throws IOException {
        ChunkTable table = head.table(entry.name());
        if (table == null) {
            readStored(entry, 0, region.duplicate());
        } else {
            chunks.readInto(table, region);
        }
    }

    /**
     * Returns part of a tensor's data.
     *
     * @param entry the tensor, as {@link TensorFileHead#positioned} locates it
     * @param offset the first byte, relative to the tensor's data; the range lies within it
     * @param length the number of bytes
     * @return a read-only little-endian buffer
     * @throws IOException if the file cannot be read or a chunk is damaged
     */
    ByteBuffer readRange(TensorEntry entry, long offset, int length) throws IOException {
        ChunkTable table = head.table(entry.name());
        if (table != null) {
            ByteBuffer range = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
            chunks.readRange(table, offset, range);
            return range.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return map(entry.begin() + offset, length);
    }

    /**
     * Computes the CRC32C of a tensor's data in bounded memory, without mapping the file.
     *
     * @param entry the tensor, as {@link TensorFileHead#positioned} locates it
     * @return the checksum
     * @throws IOException if the file ends early or a chunk is damaged
     */
    int crc32c(TensorEntry entry) throws IOException {
        ChunkTable table = head.table(entry.name());
        if (table != null) {
            return chunks.crc32c(table);
        }
        ByteBuffer scratch =
                ByteBuffer.allocateDirect((int) Math.min(VERIFY_CHUNK, entry.byteSize()));
        CRC32C crc = new CRC32C();
        long position = head.dataStart() + entry.begin();
        long end = head.dataStart() + entry.end();
        while (position < end) {
            scratch.clear();
            scratch.limit((int) Math.min(scratch.capacity(), end - position));
            readFully(channel, scratch, position, file, entry.name());
            scratch.flip();
            position += scratch.remaining();
            crc.update(scratch);
        }
        return (int) crc.getValue();
    }

    /**
     * Reads part of a tensor stored as it is with positional reads; runs on any thread.
     *
     * @param entry the tensor, as {@link TensorFileHead#positioned} locates it
     * @param offset the first byte, relative to the tensor's data
     * @param region receives the bytes from its position to its limit
     * @throws IOException if the file ends early
     */
    void readStored(TensorEntry entry, long offset, ByteBuffer region) throws IOException {
        readFully(channel, region, head.dataStart() + entry.begin() + offset, file, entry.name());
    }

    private ByteBuffer map(long dataOffset, int length) throws IOException {
        if (length == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        MappedByteBuffer mapped;
        try {
            mapped =
                    channel.map(
                            FileChannel.MapMode.READ_ONLY, head.dataStart() + dataOffset, length);
        } catch (UnsupportedOperationException e) {
            // a channel that cannot be mapped (an object in a bucket): read into memory
            ByteBuffer copy = ByteBuffer.allocateDirect(length);
            readFully(channel, copy, head.dataStart() + dataOffset, file, null);
            return copy.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return mapped.order(ByteOrder.LITTLE_ENDIAN);
    }
}
