/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * The checksums a file of format version 1 or later stores: its header checksum, checked against
 * the header's canonical form when the file is opened with verification on, and its tensors'
 * CRC32Cs ({@link FormatKeys#TENSOR_CRC32C}), against which a reader checks each tensor's data.
 */
final class TensorChecksums {

    private final Path file;
    private final Map<String, Integer> byName;

    private TensorChecksums(Path file, Map<String, Integer> byName) {
        this.file = file;
        this.byName = byName;
    }

    /**
     * Reads the tensors' checksums from a header's metadata, having first checked the header
     * checksum when asked to.
     *
     * @param header the header as stored, whose entries are in data order
     * @param file the file, for error messages
     * @param verify whether to check the header checksum
     * @return the checksums, keyed by stored tensor name
     * @throws TensorFileFormatException if a checksum is malformed, the list does not have one per
     *     tensor, or the header checksum does not match
     */
    static TensorChecksums read(TensorHeader header, Path file, boolean verify)
            throws TensorFileFormatException {
        Map<String, String> metadata = header.metadata();
        if (verify) {
            int stored =
                    FormatKeys.parseHex(
                            metadata.get(FormatKeys.HEADER_CRC32C), file, FormatKeys.HEADER_CRC32C);
            int actual = header.canonicalCrc32c(Set.of(FormatKeys.HEADER_CRC32C));
            if (stored != actual) {
                throw new TensorFileFormatException(
                        Kind.HEADER_CHECKSUM_MISMATCH,
                        file,
                        "header",
                        "header checksum is "
                                + FormatKeys.hex(actual)
                                + ", the file says "
                                + FormatKeys.hex(stored));
            }
        }
        String list = metadata.getOrDefault(FormatKeys.TENSOR_CRC32C, "");
        List<TensorEntry> entries = header.entries();
        // Counted and parsed in place: no array of substrings as large as the list.
        int count = list.isEmpty() ? 0 : 1;
        for (int i = 0; i < list.length(); i++) {
            if (list.charAt(i) == ',') {
                count++;
            }
        }
        if (count != entries.size()) {
            throw new TensorFileFormatException(
                    Kind.INVALID_METADATA,
                    file,
                    FormatKeys.TENSOR_CRC32C,
                    count + " checksums for " + entries.size() + " tensors");
        }
        Map<String, Integer> result = new HashMap<>(TensorHeader.mapCapacity(count));
        int start = 0;
        for (int i = 0; i < count; i++) {
            int end = list.indexOf(',', start);
            end = end < 0 ? list.length() : end;
            result.put(
                    entries.get(i).name(),
                    FormatKeys.parseHex(list, start, end, file, FormatKeys.TENSOR_CRC32C));
            start = end + 1;
        }
        return new TensorChecksums(file, result);
    }

    /**
     * Returns these checksums keyed by the logical names of a compressed file's tensors.
     *
     * @param layout the file's layout
     * @return the checksums, keyed by logical tensor name
     */
    TensorChecksums byLogicalName(CompressedLayout layout) {
        return new TensorChecksums(file, layout.byLogicalName(byName));
    }

    /**
     * Checks the CRC32C of a tensor's data against the stored one.
     *
     * @param entry the tensor
     * @param data its bytes, from the buffer's position to its limit; the buffer does not change
     * @throws TensorFileFormatException if the checksums differ
     */
    void check(TensorEntry entry, ByteBuffer data) throws TensorFileFormatException {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        check(entry, (int) crc.getValue());
    }

    /**
     * Checks a checksum computed elsewhere against the stored one.
     *
     * @param entry the tensor
     * @param actual the CRC32C of its data
     * @throws TensorFileFormatException if the checksums differ
     */
    void check(TensorEntry entry, int actual) throws TensorFileFormatException {
        int stored = byName.get(entry.name());
        if (stored != actual) {
            throw new TensorFileFormatException(
                    Kind.CHECKSUM_MISMATCH,
                    file,
                    entry.name(),
                    "data checksum is "
                            + FormatKeys.hex(actual)
                            + ", the file says "
                            + FormatKeys.hex(stored));
        }
    }
}
