/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * Writes a file with compressed tensors (format version 2, {@code docs/checkpoint-format.md}
 * section 9). Chunks are filtered and compressed in parallel on all cores, at most {@link
 * ChunkPipeline#window()} at once, and written in order after room reserved for the header, which
 * is written last once every chunk's size is known. A tensor none of whose chunks shrinks is stored
 * as it is; a file none of whose tensors shrinks is written as a plain version 1 file.
 */
final class CompressedFileWriter {

    private final List<String> names;
    private final List<Tensor> tensors;
    private final Map<String, String> metadata;
    private final Compression compression;
    private final long[][] sizes;
    private final boolean[] compressed;
    private final String[] crcs;
    private long total;

    /**
     * Prepares a writer, checking the names and metadata first.
     *
     * @param tensors the tensors by name, in layout order
     * @param metadata the caller's metadata
     * @param compression the compression, enabled
     * @throws IllegalArgumentException if a name or the metadata is invalid
     */
    CompressedFileWriter(
            Map<String, Tensor> tensors, Map<String, String> metadata, Compression compression) {
        TensorFileWriter.checkMetadata(metadata);
        this.names = new ArrayList<>(tensors.keySet());
        for (String name : names) {
            TensorFileWriter.checkName(name);
        }
        this.tensors = new ArrayList<>(tensors.values());
        this.metadata = metadata;
        this.compression = compression;
        this.sizes = new long[names.size()][];
        this.compressed = new boolean[names.size()];
        this.crcs = new String[names.size()];
    }

    /**
     * Returns the number of bytes {@link #writeTo} wrote.
     *
     * @return the file's size, 0 before it is written
     */
    long total() {
        return total;
    }

    /**
     * Writes the file's content: reserved header room, the chunks, then the header.
     *
     * @param channel the open, empty file
     * @throws IOException if a tensor cannot be read or the file cannot be written
     */
    void writeTo(FileChannel channel) throws IOException {
        int reserved = reservedHeaderBytes();
        long dataStart = 8L + reserved;
        long dataLength = writeData(channel, dataStart);
        byte[] header = header(dataLength);
        if (header.length > reserved) {
            throw new IllegalStateException(
                    "header of " + header.length + " bytes exceeds its " + reserved + " reserved");
        }
        byte[] padded = Arrays.copyOf(header, reserved);
        Arrays.fill(padded, header.length, reserved, (byte) ' ');
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(0, reserved);
        writeAt(channel, prefix, 0);
        writeAt(channel, ByteBuffer.wrap(padded), 8);
        total = dataStart + dataLength;
    }

    /** One compressed (or verbatim) chunk and the uncompressed bytes it came from. */
    private static final class Chunk {
        final int tensor;
        final byte[] raw;
        final int length;
        final byte[] stored;

        Chunk(int tensor, byte[] raw, int length, byte[] stored) {
            this.tensor = tensor;
            this.raw = raw;
            this.length = length;
            this.stored = stored;
        }
    }

    private long writeData(FileChannel channel, long dataStart) throws IOException {
        int chunkBytes = compression.chunkBytes();
        List<int[]> jobs = new ArrayList<>(); // {tensor, chunk}
        for (int t = 0; t < tensors.size(); t++) {
            long count = ChunkTable.chunkCount(tensors.get(t).byteSize(), chunkBytes);
            sizes[t] = new long[(int) count];
            for (int i = 0; i < count; i++) {
                jobs.add(new int[] {t, i});
            }
        }
        ByteBuffer[] data = new ByteBuffer[tensors.size()];
        CRC32C[] crc = new CRC32C[tensors.size()];
        long[] position = {dataStart};
        ChunkPipeline.run(
                jobs.size(),
                j -> {
                    int t = jobs.get(j)[0];
                    int i = jobs.get(j)[1];
                    if (data[t] == null) {
                        data[t] = tensors.get(t).data();
                    }
                    Tensor tensor = tensors.get(t);
                    int length = ChunkTable.chunkLength(tensor.byteSize(), chunkBytes, i);
                    ByteBuffer slice = data[t].duplicate();
                    slice.position(slice.position() + (int) ((long) i * chunkBytes));
                    slice.limit(slice.position() + length);
                    if (i == sizes[t].length - 1) {
                        data[t] = null; // the last job holds its own slice
                    }
                    return () -> compress(t, tensor.dtype(), slice, length);
                },
                (j, chunk) -> {
                    int t = chunk.tensor;
                    int i = jobs.get(j)[1];
                    if (crc[t] == null) {
                        crc[t] = new CRC32C();
                    }
                    crc[t].update(chunk.raw, 0, chunk.length);
                    byte[] stored = chunk.stored == null ? chunk.raw : chunk.stored;
                    int storedLength = chunk.stored == null ? chunk.length : stored.length;
                    writeAt(channel, ByteBuffer.wrap(stored, 0, storedLength), position[0]);
                    position[0] += storedLength;
                    sizes[t][i] = storedLength;
                    compressed[t] |= chunk.stored != null;
                });
        for (int t = 0; t < tensors.size(); t++) {
            crcs[t] = FormatKeys.hex(crc[t] == null ? 0 : (int) crc[t].getValue());
        }
        return position[0] - dataStart;
    }

    private Chunk compress(int t, TensorDType dtype, ByteBuffer slice, int length)
            throws IOException {
        byte[] raw = new byte[length];
        slice.get(raw);
        ChunkFilter filter = compression.filterFor(dtype);
        byte[] filtered = raw;
        if (filter != ChunkFilter.NONE) {
            filtered = new byte[length];
            filter.encode(dtype.byteSize(), raw, filtered, length);
        }
        byte[] stored =
                filter.framePerPlane()
                        ? ChunkCodec.compressPlanes(
                                filtered,
                                length,
                                dtype.byteSize(),
                                compression.level(),
                                compression.planeMatchSearch())
                        : ChunkCodec.compress(filtered, length, compression.level());
        return new Chunk(t, raw, length, stored);
    }

    /**
     * Lays out and encodes the header from the chunks' stored sizes.
     *
     * @param dataLength the data region's length
     * @return the header, padded to 8-byte alignment
     */
    private byte[] header(long dataLength) throws TensorFileFormatException {
        List<TensorEntry> entries = new ArrayList<>();
        List<String> items = new ArrayList<>();
        boolean any = false;
        long offset = 0;
        for (int t = 0; t < tensors.size(); t++) {
            long stored = Arrays.stream(sizes[t]).sum();
            entries.add(entry(t, compressed[t], offset, offset + stored));
            items.add(compressed[t] ? item(t, sizes[t]) : CompressedLayout.RAW);
            any |= compressed[t];
            offset += stored;
        }
        int version = any ? FormatKeys.COMPRESSED_VERSION : FormatKeys.UNCOMPRESSED_VERSION;
        Map<String, String> all =
                TensorFileWriter.formatMetadata(metadata, version, String.join(",", crcs));
        if (any) {
            all.put(FormatKeys.COMPRESSION, String.join(";", items));
        }
        return TensorFileWriter.seal(entries, all, dataLength);
    }

    private TensorEntry entry(int t, boolean asCompressed, long begin, long end) {
        Tensor tensor = tensors.get(t);
        if (asCompressed) {
            return new TensorEntry(
                    CompressedLayout.PREFIX + names.get(t),
                    TensorDType.U8,
                    new long[] {end - begin},
                    begin,
                    end);
        }
        return new TensorEntry(names.get(t), tensor.dtype(), tensor.shape(), begin, end);
    }

    private String item(int t, long[] chunkSizes) {
        Tensor tensor = tensors.get(t);
        return ChunkTable.item(
                ChunkCodec.ZSTD,
                compression.filterFor(tensor.dtype()),
                tensor.dtype(),
                tensor.shape(),
                compression.chunkBytes(),
                chunkSizes);
    }

    /**
     * Returns room enough for the header whatever the chunks' sizes: the header with every
     * non-empty tensor compressed and every chunk at its largest stored size, plus the header with
     * every tensor stored as it is (each tensor's part of the real header is at most the larger of
     * its two forms), rounded so that the data region starts at a multiple of 8.
     */
    private int reservedHeaderBytes() throws TensorFileFormatException {
        List<TensorEntry> worst = new ArrayList<>();
        List<TensorEntry> plain = new ArrayList<>();
        List<String> items = new ArrayList<>();
        String[] zeroCrcs = new String[tensors.size()];
        long offset = 0;
        for (int t = 0; t < tensors.size(); t++) {
            long size = tensors.get(t).byteSize();
            int chunkBytes = compression.chunkBytes();
            long[] full = new long[(int) ChunkTable.chunkCount(size, chunkBytes)];
            for (int i = 0; i < full.length; i++) {
                full[i] = ChunkTable.chunkLength(size, chunkBytes, i);
            }
            worst.add(entry(t, size > 0, offset, offset + size));
            plain.add(entry(t, false, offset, offset + size));
            items.add(size > 0 ? item(t, full) : CompressedLayout.RAW);
            zeroCrcs[t] = FormatKeys.hex(0);
            offset += size;
        }
        String crcList = String.join(",", zeroCrcs);
        Map<String, String> worstMetadata =
                TensorFileWriter.formatMetadata(metadata, FormatKeys.COMPRESSED_VERSION, crcList);
        worstMetadata.put(FormatKeys.COMPRESSION, String.join(";", items));
        long bound =
                (long) TensorFileWriter.seal(worst, worstMetadata, offset).length
                        + TensorFileWriter.seal(
                                        plain,
                                        TensorFileWriter.formatMetadata(
                                                metadata, FormatKeys.UNCOMPRESSED_VERSION, crcList),
                                        offset)
                                .length;
        bound = (8 + bound + 7) / 8 * 8 - 8;
        if (bound > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("header too large: " + bound + " bytes");
        }
        return (int) bound;
    }

    private static void writeAt(FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
