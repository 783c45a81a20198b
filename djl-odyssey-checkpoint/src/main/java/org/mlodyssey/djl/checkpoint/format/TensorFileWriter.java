/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.internal.ParallelCrc32c;

/**
 * Writes a named-tensor file: the header (with format version and CRC32C checksums in {@code
 * __metadata__}), then every tensor's data contiguously in the given order. The bytes depend only
 * on the input: the same tensors and metadata always give the same file.
 */
public final class TensorFileWriter {

    private static final int WRITE_CHUNK = 8 << 20;

    private TensorFileWriter() {}

    /**
     * Writes tensors atomically to a file.
     *
     * @param target the file to create or replace
     * @param tensors the tensors by name, in the order their data is laid out
     * @param metadata the caller's metadata; must not use {@link FormatKeys#RESERVED} keys
     * @param durable whether to fsync the file and its directory before returning
     * @return the number of bytes written
     * @throws IOException if a tensor's data cannot be read or the file cannot be written
     */
    public static long write(
            Path target, Map<String, Tensor> tensors, Map<String, String> metadata, boolean durable)
            throws IOException {
        return write(target, tensors, metadata, durable, Compression.none());
    }

    /**
     * Writes tensors atomically to a file, compressed or not. Without compression (or when no
     * tensor shrinks) the file is a plain safetensors file of format version 1; with compressed
     * tensors it is of format version 2.
     *
     * @param target the file to create or replace
     * @param tensors the tensors by name, in the order their data is laid out
     * @param metadata the caller's metadata; must not use {@link FormatKeys#RESERVED} keys
     * @param durable whether to fsync the file and its directory before returning
     * @param compression whether and how to compress the tensors
     * @return the number of bytes written
     * @throws IOException if a tensor's data cannot be read or the file cannot be written
     */
    public static long write(
            Path target,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            boolean durable,
            Compression compression)
            throws IOException {
        Content content = content(tensors, metadata, compression);
        AtomicFiles.write(target, content.writer, durable);
        return content.total.getAsLong();
    }

    /**
     * Writes tensors into a temporary file next to a target, leaving the target as it is; see
     * {@link AtomicFiles#writeTemporary}.
     *
     * @param target the file the tensors are for
     * @param tensors the tensors by name, in the order their data is laid out
     * @param metadata the caller's metadata
     * @param durable whether to fsync the temporary file
     * @param compression whether and how to compress the tensors
     * @return the temporary file, to be committed with {@link AtomicFiles#commit} or deleted
     * @throws IOException if a tensor's data cannot be read or the file cannot be written
     */
    static Path writeTemporary(
            Path target,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            boolean durable,
            Compression compression)
            throws IOException {
        return AtomicFiles.writeTemporary(
                target, content(tensors, metadata, compression).writer, durable);
    }

    /**
     * Prepares a plain file (format version 1, a safetensors file) for a sequential channel, such
     * as a {@code CheckpointStore} object: the header is encoded (with every tensor's CRC32C) now,
     * the data are written by {@link TensorFileContent#writeTo}.
     *
     * @param tensors the tensors by name, in the order their data is laid out
     * @param metadata the caller's metadata; must not use {@link FormatKeys#RESERVED} keys
     * @return the file's content
     * @throws IOException if a tensor's data cannot be read or the layout is invalid
     */
    public static TensorFileContent plainContent(
            Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<ByteBuffer> data = data(tensors);
        byte[] header = encodeHeader(tensors, data, metadata);
        return new TensorFileContent(header, data);
    }

    /** A file's content and, once written, its size. */
    private static final class Content {
        final AtomicFiles.ContentWriter writer;
        final LongSupplier total;

        Content(AtomicFiles.ContentWriter writer, LongSupplier total) {
            this.writer = writer;
            this.total = total;
        }
    }

    /**
     * Checks tensors and metadata and prepares the file's content: compressed (format version 2,
     * see {@link CompressedFileWriter}) or plain.
     */
    private static Content content(
            Map<String, Tensor> tensors, Map<String, String> metadata, Compression compression)
            throws IOException {
        if (compression.enabled()) {
            CompressedFileWriter writer = new CompressedFileWriter(tensors, metadata, compression);
            return new Content(writer::writeTo, writer::total);
        }
        TensorFileContent plain = plainContent(tensors, metadata);
        long size = plain.size();
        return new Content(plain::writeTo, () -> size);
    }

    private static List<ByteBuffer> data(Map<String, Tensor> tensors) throws IOException {
        List<ByteBuffer> data = new ArrayList<>(tensors.size());
        for (Tensor tensor : tensors.values()) {
            data.add(tensor.data());
        }
        return data;
    }

    /**
     * Writes an uncompressed named-tensor file (format version 1) from start to end into a
     * sequential channel, such as an upload to a bucket: the header first, then each tensor's data,
     * with no seek. The bytes are those {@link #write} puts into a file.
     *
     * @param channel where the bytes go
     * @param tensors the tensors by name, in the order their data is laid out
     * @param metadata the caller's metadata; must not use {@link FormatKeys#RESERVED} keys
     * @return the number of bytes written
     * @throws IOException if a tensor's data cannot be read or the channel fails
     */
    public static long writeTo(
            WritableByteChannel channel, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        TensorFileContent content = plainContent(tensors, metadata);
        content.writeTo(channel);
        return content.size();
    }

    /**
     * Lays out and encodes the header for tensors: offsets in the given order, checksums of each
     * tensor's data and of the header itself.
     *
     * @param tensors the tensors by name, in layout order
     * @param data each tensor's data, in the same order
     * @param metadata the caller's metadata
     * @return the encoded, padded header
     * @throws IOException if the layout is invalid (e.g. a reserved metadata key is used)
     */
    static byte[] encodeHeader(
            Map<String, Tensor> tensors, List<ByteBuffer> data, Map<String, String> metadata)
            throws IOException {
        checkMetadata(metadata);
        List<TensorEntry> entries = new ArrayList<>(tensors.size());
        StringBuilder crcs = new StringBuilder();
        long offset = 0;
        int i = 0;
        for (Map.Entry<String, Tensor> named : tensors.entrySet()) {
            String name = named.getKey();
            checkName(name);
            Tensor tensor = named.getValue();
            ByteBuffer bytes = data.get(i++);
            long end = Math.addExact(offset, bytes.remaining());
            entries.add(new TensorEntry(name, tensor.dtype(), tensor.shape(), offset, end));
            offset = end;
        }
        for (int crc : ParallelCrc32c.of(data)) {
            if (crcs.length() > 0) {
                crcs.append(',');
            }
            crcs.append(FormatKeys.hex(crc));
        }
        return seal(
                entries, formatMetadata(metadata, FormatKeys.UNCOMPRESSED_VERSION, crcs), offset);
    }

    /**
     * Checks a caller's metadata: no reserved key, valid Unicode.
     *
     * @param metadata the caller's metadata
     */
    static void checkMetadata(Map<String, String> metadata) {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            if (FormatKeys.RESERVED.contains(key)) {
                throw new IllegalArgumentException(
                        "metadata key " + key + " is reserved for the format");
            }
            requireUtf8("metadata key", key);
            requireUtf8("value of metadata key " + key, entry.getValue());
        }
    }

    /**
     * Checks a tensor name: not empty, not the metadata key, valid Unicode.
     *
     * @param name the name
     */
    static void checkName(String name) {
        if (name.isEmpty() || TensorHeader.METADATA_KEY.equals(name)) {
            throw new IllegalArgumentException("invalid tensor name \"" + name + "\"");
        }
        requireUtf8("tensor name", name);
    }

    /**
     * Returns the caller's metadata with the format's keys added (all but the header checksum).
     *
     * @param metadata the caller's metadata
     * @param version the format version
     * @param crcs the tensor checksums, comma-separated
     * @return a new sorted map
     */
    static Map<String, String> formatMetadata(
            Map<String, String> metadata, int version, CharSequence crcs) {
        Map<String, String> all = new TreeMap<>(metadata);
        all.put(FormatKeys.FORMAT, FormatKeys.FORMAT_NAME);
        all.put(FormatKeys.FORMAT_VERSION, Integer.toString(version));
        all.put(FormatKeys.TENSOR_CRC32C, crcs.toString());
        return all;
    }

    /**
     * Adds the header checksum and encodes the header.
     *
     * @param entries the tensors as stored, in layout order
     * @param all the metadata with the format's keys, which receives the header checksum
     * @param dataLength the data region's length
     * @return the encoded, padded header
     * @throws TensorFileFormatException if the entries are not a valid layout
     */
    static byte[] seal(List<TensorEntry> entries, Map<String, String> all, long dataLength)
            throws TensorFileFormatException {
        TensorHeader unsigned = TensorHeader.of(entries, all, dataLength);
        all.put(
                FormatKeys.HEADER_CRC32C,
                FormatKeys.hex(
                        unsigned.canonicalCrc32c(java.util.Set.of(FormatKeys.HEADER_CRC32C))));
        return TensorHeader.of(entries, all, dataLength).encode();
    }

    /**
     * Rejects text that UTF-8 cannot encode (an unpaired surrogate), which would otherwise be
     * written as {@code ?} and come back as a different name or value.
     */
    private static void requireUtf8(String what, String text) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
            throw new IllegalArgumentException(what + " is not valid Unicode: " + text);
        }
    }

    /**
     * Writes a whole buffer to a channel, in bounded chunks for heap buffers (so that the JDK's
     * temporary direct buffer stays small).
     *
     * @param channel the channel
     * @param buffer the bytes from position to limit
     * @throws IOException if writing fails
     */
    static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (buffer.isDirect() || buffer.remaining() <= WRITE_CHUNK) {
                channel.write(buffer);
            } else {
                ByteBuffer chunk = buffer.slice();
                chunk.limit(WRITE_CHUNK);
                int n = channel.write(chunk);
                buffer.position(buffer.position() + n);
            }
        }
    }
}
