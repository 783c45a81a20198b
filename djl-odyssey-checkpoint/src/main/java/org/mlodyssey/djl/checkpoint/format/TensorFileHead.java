/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * What a reader learns from the head of a named-tensor file before it reads any tensor, checked in
 * the order of {@code docs/checkpoint-format.md} section 5: the 8-byte header length (checks 1 to
 * 3), the header ({@link TensorHeader#parse}, checks 4 to 15), the format version (16 and 17), the
 * checksums ({@link TensorChecksums}, 18 and 19) and, for a compressed file, its layout.
 *
 * @param header the validated header; for a compressed file, the logical one (section 9)
 * @param dataStart the file offset at which the data region starts: 8 plus the header length
 * @param formatVersion the format version, 0 for a plain safetensors file
 * @param checksums the tensors' checksums, by logical name; {@code null} in a version 0 file
 * @param layout the layout of a compressed file; {@code null} for any other
 */
record TensorFileHead(
        TensorHeader header,
        long dataStart,
        int formatVersion,
        TensorChecksums checksums,
        CompressedLayout layout) {

    /**
     * Reads and checks the head of a file.
     *
     * @param file names the file in error messages
     * @param channel the open file, read with positional reads
     * @param verify whether to check the header checksum
     * @param maxHeaderBytes the largest header accepted, checked before anything is allocated
     * @return the head
     * @throws IOException if the file cannot be read or is malformed
     */
    static TensorFileHead read(Path file, FileChannel channel, boolean verify, long maxHeaderBytes)
            throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new TensorFileFormatException(
                    Kind.HEADER_TOO_SMALL,
                    file,
                    "header length",
                    "file has " + size + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        DataRegion.readFully(channel, prefix, 0, file, null);
        long headerLength = prefix.getLong(0);
        long cap = Math.min(maxHeaderBytes, Integer.MAX_VALUE - 8);
        if (headerLength < 0 || headerLength > cap) {
            throw new TensorFileFormatException(
                    Kind.HEADER_TOO_LARGE,
                    file,
                    "header length",
                    "header length "
                            + Long.toUnsignedString(headerLength)
                            + " exceeds the cap of "
                            + cap
                            + " bytes");
        }
        if (headerLength > size - 8) {
            throw new TensorFileFormatException(
                    Kind.HEADER_BEYOND_FILE,
                    file,
                    "header length",
                    "header length "
                            + headerLength
                            + " reaches beyond the end of the "
                            + size
                            + "-byte file");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerLength);
        DataRegion.readFully(channel, json, 8, file, null);
        long dataStart = 8 + headerLength;
        TensorHeader header = TensorHeader.parse(json.array(), file, size - dataStart);
        int version = FormatKeys.version(header.metadata(), file);
        TensorChecksums checksums =
                version == 0 ? null : TensorChecksums.read(header, file, verify);
        CompressedLayout layout = null;
        if (version >= FormatKeys.COMPRESSED_VERSION) {
            // compressed tensors: from here on, the header is the logical one (section 9)
            layout = CompressedLayout.parse(header, file);
            header = layout.header();
            checksums = checksums.byLogicalName(layout);
        }
        return new TensorFileHead(header, dataStart, version, checksums, layout);
    }

    /**
     * Returns a tensor's entry with the offsets that locate it: as stored for a tensor stored as it
     * is (in a compressed file, where the stored header says), uncompressed for a compressed one.
     *
     * @param name the tensor's name
     * @return the entry, or {@code null} when the file has no such tensor
     */
    TensorEntry positioned(String name) {
        return layout == null ? header.entry(name) : layout.positioned(name);
    }

    /**
     * Returns how a tensor is compressed.
     *
     * @param name the tensor's name
     * @return its chunk table, or {@code null} for a tensor stored as it is
     */
    ChunkTable table(String name) {
        return layout == null ? null : layout.table(name);
    }

    /**
     * Tells how a tensor is stored, as {@link TensorFileReader#storage} documents.
     *
     * @param entry the tensor, as {@link #positioned} locates it
     * @return its storage
     */
    TensorStorage storage(TensorEntry entry) {
        ChunkTable table = table(entry.name());
        if (table == null) {
            return new TensorStorage(
                    "none", ChunkFilter.NONE, 0, entry.byteSize(), entry.byteSize());
        }
        return new TensorStorage(
                table.codec(),
                table.filter(),
                table.chunkCount(),
                table.byteSize(),
                table.storedBytes());
    }
}
