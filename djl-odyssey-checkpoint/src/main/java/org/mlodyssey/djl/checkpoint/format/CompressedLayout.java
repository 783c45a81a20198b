/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * The layout of a compressed (version 2) file: it reads {@link FormatKeys#COMPRESSION} against the
 * stored header (compressed tensors appear there as {@code U8} byte strings named {@link #PREFIX}
 * plus their name) and gives the logical header, with every tensor's real name, dtype, shape and
 * uncompressed offsets, and the chunk table of each compressed tensor.
 */
final class CompressedLayout {

    /** Prefixes the stored name of a compressed tensor. */
    static final String PREFIX = "odyssey.compressed/";

    /** The item of a tensor stored as it is. */
    static final String RAW = "raw";

    private final TensorHeader header;
    private final TensorHeader stored;
    private final Map<String, ChunkTable> tables;
    private final Map<String, String> logicalNames;

    private CompressedLayout(
            TensorHeader header,
            TensorHeader stored,
            Map<String, ChunkTable> tables,
            Map<String, String> logicalNames) {
        this.header = header;
        this.stored = stored;
        this.tables = Collections.unmodifiableMap(tables);
        this.logicalNames = logicalNames;
    }

    /**
     * Reads the layout of a version 2 file.
     *
     * @param stored the header as stored, already validated as a version 1 header
     * @param file the file, for error messages
     * @return the layout
     * @throws TensorFileFormatException if the compression metadata is missing, malformed or
     *     disagrees with the stored header
     */
    static CompressedLayout parse(TensorHeader stored, Path file) throws TensorFileFormatException {
        String list = stored.metadata().get(FormatKeys.COMPRESSION);
        if (list == null) {
            throw new TensorFileFormatException(
                    Kind.INVALID_METADATA,
                    file,
                    FormatKeys.COMPRESSION,
                    "missing in a file of format version " + FormatKeys.COMPRESSED_VERSION);
        }
        List<TensorEntry> entries = stored.entries();
        String[] items = list.isEmpty() ? new String[0] : list.split(";", -1);
        if (items.length != entries.size()) {
            throw new TensorFileFormatException(
                    Kind.INVALID_CHUNK_TABLE,
                    file,
                    FormatKeys.COMPRESSION,
                    items.length + " items for " + entries.size() + " tensors");
        }
        List<TensorEntry> logical = new ArrayList<>(entries.size());
        int capacity = TensorHeader.mapCapacity(entries.size());
        Map<String, ChunkTable> tables = new HashMap<>(capacity);
        Map<String, String> logicalNames = new HashMap<>(capacity);
        Set<String> names = new HashSet<>(capacity);
        long offset = 0;
        for (int i = 0; i < items.length; i++) {
            TensorEntry entry = entries.get(i);
            String name = entry.name();
            TensorDType dtype = entry.dtype();
            long[] shape = entry.shape();
            long size = entry.byteSize();
            if (!RAW.equals(items[i])) {
                ChunkTable table = parseItem(items[i], entry, file);
                tables.put(table.name(), table);
                name = table.name();
                dtype = table.dtype();
                shape = table.shape();
                size = table.byteSize();
            }
            if (!names.add(name)) {
                throw new TensorFileFormatException(
                        Kind.DUPLICATE_NAME, file, name, "stored both compressed and uncompressed");
            }
            long end = addExact(offset, size, file, name);
            logical.add(new TensorEntry(name, dtype, shape, offset, end));
            logicalNames.put(entry.name(), name);
            offset = end;
        }
        return new CompressedLayout(
                TensorHeader.of(logical, stored.metadata(), offset), stored, tables, logicalNames);
    }

    private static ChunkTable parseItem(String item, TensorEntry entry, Path file)
            throws TensorFileFormatException {
        String name = entry.name();
        String[] fields = item.split(":", -1);
        if (fields.length != 6) {
            throw invalid(
                    file, name, "expected codec:filter:dtype:dims:chunk:sizes, found " + item);
        }
        if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
            throw invalid(
                    file, name, "a compressed tensor's stored name must start with " + PREFIX);
        }
        String logicalName = name.substring(PREFIX.length());
        if (entry.dtype() != TensorDType.U8 || entry.shape().length != 1) {
            throw invalid(file, name, "a compressed tensor must be stored as a 1-D U8 tensor");
        }
        if (!ChunkCodec.ZSTD.equals(fields[0])) {
            throw new TensorFileFormatException(
                    Kind.UNKNOWN_CODEC, file, logicalName, "unknown codec \"" + fields[0] + "\"");
        }
        ChunkFilter filter =
                ChunkFilter.fromId(fields[1])
                        .orElseThrow(
                                () ->
                                        new TensorFileFormatException(
                                                Kind.UNKNOWN_CODEC,
                                                file,
                                                logicalName,
                                                "unknown filter \"" + fields[1] + "\""));
        TensorDType dtype =
                TensorDType.fromSafetensorsName(fields[2])
                        .orElseThrow(
                                () ->
                                        new TensorFileFormatException(
                                                Kind.UNKNOWN_DTYPE,
                                                file,
                                                logicalName,
                                                "unknown dtype \"" + fields[2] + "\""));
        long[] shape = fields[3].isEmpty() ? new long[0] : numbers(fields[3], file, logicalName);
        if (shape.length > 64) {
            throw invalid(file, logicalName, "more than 64 dimensions");
        }
        long byteSize = TensorHeader.byteSize(dtype, shape, file, logicalName);
        long[] chunk = numbers(fields[4], file, logicalName);
        if (chunk.length != 1
                || chunk[0] < Compression.MIN_CHUNK_BYTES
                || chunk[0] > Compression.MAX_CHUNK_BYTES
                || chunk[0] % 8 != 0) {
            throw invalid(
                    file,
                    logicalName,
                    "chunk size must be a multiple of 8 from "
                            + Compression.MIN_CHUNK_BYTES
                            + " to "
                            + Compression.MAX_CHUNK_BYTES
                            + ", found "
                            + fields[4]);
        }
        int chunkBytes = (int) chunk[0];
        long[] sizes = numbers(fields[5], file, logicalName);
        long expectedChunks = ChunkTable.chunkCount(byteSize, chunkBytes);
        if (byteSize == 0 || sizes.length != expectedChunks) {
            throw invalid(
                    file,
                    logicalName,
                    sizes.length
                            + " chunk sizes for "
                            + byteSize
                            + " bytes in chunks of "
                            + chunkBytes
                            + " (expected "
                            + expectedChunks
                            + ")");
        }
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            int length = ChunkTable.chunkLength(byteSize, chunkBytes, i);
            if (sizes[i] < 1 || sizes[i] > length) {
                throw invalid(
                        file,
                        logicalName + " chunk " + i,
                        "stored size "
                                + sizes[i]
                                + " is not within 1 to the chunk's "
                                + length
                                + " bytes");
            }
            total += sizes[i];
        }
        if (total != entry.byteSize()) {
            throw invalid(
                    file,
                    logicalName,
                    "chunks cover "
                            + total
                            + " bytes, the stored tensor holds "
                            + entry.byteSize());
        }
        return new ChunkTable(
                logicalName,
                dtype,
                shape,
                fields[0],
                filter,
                chunkBytes,
                byteSize,
                entry.begin(),
                sizes);
    }

    private static long[] numbers(String text, Path file, String subject)
            throws TensorFileFormatException {
        String[] parts = text.split(",", -1);
        long[] result = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!HeaderParser.isInteger(parts[i], false)) {
                throw invalid(file, subject, "expected a non-negative integer, found " + parts[i]);
            }
            try {
                result[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new TensorFileFormatException(
                        Kind.SIZE_OVERFLOW,
                        file,
                        subject,
                        parts[i] + " does not fit a signed 64-bit integer",
                        e);
            }
        }
        return result;
    }

    private static long addExact(long a, long b, Path file, String subject)
            throws TensorFileFormatException {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new TensorFileFormatException(
                    Kind.SIZE_OVERFLOW, file, subject, "uncompressed offsets overflow", e);
        }
    }

    private static TensorFileFormatException invalid(Path file, String subject, String detail) {
        return new TensorFileFormatException(Kind.INVALID_CHUNK_TABLE, file, subject, detail);
    }

    /** Returns the logical header: real names, dtypes, shapes, uncompressed offsets. */
    TensorHeader header() {
        return header;
    }

    /** Returns the chunk table of a compressed tensor, or null for a tensor stored raw. */
    ChunkTable table(String name) {
        return tables.get(name);
    }

    /**
     * Returns a tensor's entry with the offsets that locate it: as stored for a tensor stored as it
     * is, uncompressed (logical) for a compressed one, whose chunks its table locates.
     */
    TensorEntry positioned(String name) {
        TensorEntry logical = header.entry(name);
        return logical == null || tables.containsKey(name) ? logical : stored.entry(name);
    }

    /** Re-keys a map by stored name into one by logical name. */
    <V> Map<String, V> byLogicalName(Map<String, V> byStoredName) {
        Map<String, V> result = new HashMap<>(TensorHeader.mapCapacity(byStoredName.size()));
        for (Map.Entry<String, V> entry : byStoredName.entrySet()) {
            result.put(logicalNames.get(entry.getKey()), entry.getValue());
        }
        return result;
    }
}
