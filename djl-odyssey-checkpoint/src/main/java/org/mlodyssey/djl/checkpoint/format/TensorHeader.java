/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/**
 * The JSON header of a named-tensor file: the tensors in data order and the {@code __metadata__}
 * string map. It parses and validates a header completely, and encodes one deterministically.
 */
public final class TensorHeader {

    /** The largest header a reader accepts by default: 100 MiB, as the safetensors reference. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 100L << 20;

    /**
     * The most tensors plus metadata entries a header may hold: 524,288. With the 100 MiB header
     * cap, this bounds the heap that opening any file needs (the header bytes, plus at most about
     * 700 bytes per entry, a 64-dimension shape being the largest) to under 450 MiB, so a reader
     * fits a 512 MiB heap whatever the file holds. Real files hold thousands of tensors.
     */
    public static final int MAX_ENTRIES = 1 << 19;

    /** The JSON key of the metadata map. */
    public static final String METADATA_KEY = "__metadata__";

    private final List<TensorEntry> entries;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;

    /** Takes ownership of its arguments, which the caller built for it and no longer changes. */
    private TensorHeader(
            List<TensorEntry> entries,
            Map<String, TensorEntry> byName,
            TreeMap<String, String> metadata) {
        this.entries = Collections.unmodifiableList(entries);
        this.byName = Collections.unmodifiableMap(byName);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Builds a header from entries laid out by a writer, validating it as a reader would.
     *
     * @param entries the tensors, in any order
     * @param metadata the {@code __metadata__} map
     * @param dataLength the byte length of the data region
     * @return the header, with entries in data order
     * @throws TensorFileFormatException if the entries are not a valid layout
     */
    public static TensorHeader of(
            List<TensorEntry> entries, Map<String, String> metadata, long dataLength)
            throws TensorFileFormatException {
        Map<String, TensorEntry> byName = new LinkedHashMap<>(mapCapacity(entries.size()));
        for (TensorEntry entry : entries) {
            if (byName.put(entry.name(), entry) != null) {
                throw new TensorFileFormatException(
                        Kind.DUPLICATE_NAME, null, entry.name(), "tensor name used twice");
            }
        }
        return validate(
                new ArrayList<>(entries), byName, new TreeMap<>(metadata), null, dataLength);
    }

    /**
     * Parses and validates a header.
     *
     * @param json the header bytes as stored in the file (UTF-8 JSON, possibly space-padded)
     * @param file the file the header came from, for error messages
     * @param dataLength the byte length of the file's data region (file size - 8 - header size)
     * @return the header, with entries in data order
     * @throws TensorFileFormatException if the header is malformed or disagrees with the data size
     */
    public static TensorHeader parse(byte[] json, Path file, long dataLength)
            throws TensorFileFormatException {
        return HeaderParser.parse(json, file, dataLength);
    }

    /**
     * Returns the initial capacity a hash map needs to hold entries without rehashing.
     *
     * @param entries the number of entries
     * @return the capacity for the default load factor
     */
    static int mapCapacity(int entries) {
        return (int) Math.min(Integer.MAX_VALUE, entries * 4L / 3 + 1);
    }

    /**
     * Checks the layout of a header's tensors, as parsed or as laid out by a writer (checks 10 to
     * 15 of {@code docs/checkpoint-format.md} section 5): each tensor's offsets span the bytes its
     * shape and dtype need, the tensors are contiguous from offset 0, and they cover the data
     * region exactly.
     *
     * @param entries the tensors, in any order; sorted into data order in place
     * @param byName the same tensors by name; the header takes ownership
     * @param metadata the {@code __metadata__} map; the header takes ownership
     * @param file the file, for error messages; may be null
     * @param dataLength the byte length of the data region
     * @return the header
     * @throws TensorFileFormatException if the layout is invalid
     */
    static TensorHeader validate(
            List<TensorEntry> entries,
            Map<String, TensorEntry> byName,
            TreeMap<String, String> metadata,
            Path file,
            long dataLength)
            throws TensorFileFormatException {
        for (TensorEntry entry : entries) {
            long expected = byteSize(entry.dtype(), entry.shape(), file, entry.name());
            if (entry.begin() < 0 || entry.end() < entry.begin()) {
                throw new TensorFileFormatException(
                        Kind.OFFSETS_OUT_OF_RANGE,
                        file,
                        entry.name() + ".data_offsets",
                        "invalid range [" + entry.begin() + ", " + entry.end() + "]");
            }
            if (entry.byteSize() != expected) {
                throw new TensorFileFormatException(
                        Kind.SIZE_MISMATCH,
                        file,
                        entry.name(),
                        "data_offsets span "
                                + entry.byteSize()
                                + " bytes, but shape "
                                + Arrays.toString(entry.shape())
                                + " of "
                                + entry.dtype()
                                + " needs "
                                + expected);
            }
        }
        entries.sort(
                Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long position = 0;
        for (TensorEntry entry : entries) {
            if (entry.begin() != position) {
                String what = entry.begin() < position ? "overlaps" : "leaves a hole before";
                throw new TensorFileFormatException(
                        Kind.OFFSETS_NOT_CONTIGUOUS,
                        file,
                        entry.name() + ".data_offsets",
                        "data starting at "
                                + entry.begin()
                                + " "
                                + what
                                + " the previous tensor, which ends at "
                                + position);
            }
            position = entry.end();
        }
        if (position > dataLength) {
            String subject = entries.get(entries.size() - 1).name();
            throw new TensorFileFormatException(
                    Kind.TRUNCATED,
                    file,
                    subject,
                    "data ends at byte "
                            + position
                            + " of the data region, but the file holds only "
                            + dataLength
                            + " data bytes");
        }
        if (position < dataLength) {
            throw new TensorFileFormatException(
                    Kind.TRAILING_BYTES,
                    file,
                    null,
                    (dataLength - position) + " bytes after the last tensor's data");
        }
        return new TensorHeader(entries, byName, metadata);
    }

    /**
     * Computes the byte size of a tensor, with overflow checks.
     *
     * @param dtype the element type
     * @param shape the dimensions
     * @param file the file, for error messages
     * @param name the tensor's name, for error messages
     * @return the number of data bytes the tensor needs
     * @throws TensorFileFormatException if the size overflows a signed 64-bit integer
     */
    static long byteSize(TensorDType dtype, long[] shape, Path file, String name)
            throws TensorFileFormatException {
        try {
            long count = 1;
            for (long dim : shape) {
                count = Math.multiplyExact(count, dim);
            }
            return Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new TensorFileFormatException(
                    Kind.SIZE_OVERFLOW,
                    file,
                    name + ".shape",
                    "size of shape " + Arrays.toString(shape) + " overflows",
                    e);
        }
    }

    /**
     * Returns the tensors in data order.
     *
     * @return an unmodifiable list of entries, sorted by offset
     */
    public List<TensorEntry> entries() {
        return entries;
    }

    /**
     * Returns the entry of a tensor.
     *
     * @param name the tensor's name
     * @return the entry, or {@code null} when the header has no such tensor
     */
    public TensorEntry entry(String name) {
        return byName.get(name);
    }

    /**
     * Returns the {@code __metadata__} map.
     *
     * @return an unmodifiable map, sorted by key
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Returns the total byte length of the data region.
     *
     * @return the end offset of the last tensor, or 0 for no tensors
     */
    public long dataLength() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).end();
    }

    /**
     * Encodes the header as compact UTF-8 JSON, {@code __metadata__} first (keys sorted), then the
     * tensors in data order, padded with spaces so that the data region starts at a multiple of 8
     * bytes from the start of the file.
     *
     * @return the header bytes, without the 8-byte length prefix
     */
    public byte[] encode() {
        return HeaderEncoding.json(entries, metadata);
    }

    /**
     * Computes the CRC32C of the header's canonical form, which covers every tensor's name, dtype,
     * shape and offsets, and every metadata entry except those named in {@code excluded}. The
     * canonical form is specified in {@code docs/checkpoint-format.md}.
     *
     * @param excluded the metadata keys to leave out (the key that stores this checksum)
     * @return the checksum
     */
    public int canonicalCrc32c(Set<String> excluded) {
        return HeaderEncoding.canonicalCrc32c(entries, metadata, excluded);
    }
}
