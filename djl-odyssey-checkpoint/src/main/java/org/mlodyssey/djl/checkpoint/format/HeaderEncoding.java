/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The two byte forms of a header that {@code docs/checkpoint-format.md} specifies: the JSON a
 * writer stores (section 3), and the canonical form that the header checksum covers (section 4.1).
 */
final class HeaderEncoding {

    private HeaderEncoding() {}

    /**
     * Encodes a header as {@link TensorHeader#encode} documents.
     *
     * @param entries the tensors, in data order
     * @param metadata the metadata, sorted by key
     * @return the header bytes, padded with spaces, without the 8-byte length prefix
     */
    static byte[] json(List<TensorEntry> entries, Map<String, String> metadata) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = new JsonWriter(out)) {
            writer.setHtmlSafe(false);
            writer.beginObject();
            if (!metadata.isEmpty()) {
                writer.name(TensorHeader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> entry : metadata.entrySet()) {
                    writer.name(entry.getKey()).value(entry.getValue());
                }
                writer.endObject();
            }
            for (TensorEntry entry : entries) {
                writer.name(entry.name()).beginObject();
                writer.name("dtype").value(entry.dtype().safetensorsName());
                writer.name("shape").beginArray();
                for (long dim : entry.shape()) {
                    writer.value(dim);
                }
                writer.endArray();
                writer.name("data_offsets").beginArray();
                writer.value(entry.begin()).value(entry.end());
                writer.endArray();
                writer.endObject();
            }
            writer.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        byte[] json = out.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (int) (((8L + json.length + 7) / 8) * 8 - 8);
        byte[] result = Arrays.copyOf(json, padded);
        Arrays.fill(result, json.length, padded, (byte) ' ');
        return result;
    }

    /**
     * Computes the CRC32C of a header's canonical form, as {@link TensorHeader#canonicalCrc32c}
     * documents.
     *
     * @param entries the tensors, in data order
     * @param metadata the metadata
     * @param excluded the metadata keys to leave out
     * @return the checksum
     */
    static int canonicalCrc32c(
            List<TensorEntry> entries, Map<String, String> metadata, Set<String> excluded) {
        // Fed field by field: the canonical form of a large header is never held in memory.
        CRC32C crc = new CRC32C();
        StringBuilder numbers = new StringBuilder();
        for (TensorEntry entry : entries) {
            crc.update('t');
            field(crc, entry.name());
            field(crc, entry.dtype().safetensorsName());
            numbers.setLength(0);
            for (long dim : entry.sharedShape()) {
                if (numbers.length() > 0) {
                    numbers.append(',');
                }
                numbers.append(dim);
            }
            asciiField(crc, numbers);
            numbers.setLength(0);
            asciiField(crc, numbers.append(entry.begin()).append(',').append(entry.end()));
        }
        List<Map.Entry<String, String>> sorted = new ArrayList<>(metadata.entrySet());
        sorted.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
        for (Map.Entry<String, String> entry : sorted) {
            if (!excluded.contains(entry.getKey())) {
                crc.update('m');
                field(crc, entry.getKey());
                field(crc, entry.getValue());
            }
        }
        return (int) crc.getValue();
    }

    /** Feeds a field of ASCII characters (digits and commas), as {@link #field} would. */
    private static void asciiField(CRC32C crc, StringBuilder value) {
        int length = value.length();
        decimal(crc, length);
        crc.update(':');
        for (int i = 0; i < length; i++) {
            crc.update(value.charAt(i));
        }
    }

    private static void field(CRC32C crc, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        decimal(crc, bytes.length);
        crc.update(':');
        crc.update(bytes);
    }

    /** Feeds the decimal digits of a non-negative number, as its ASCII text, without a String. */
    private static void decimal(CRC32C crc, int value) {
        if (value >= 10) {
            decimal(crc, value / 10);
        }
        crc.update('0' + value % 10);
    }

    /** Orders strings as their UTF-8 bytes would be ordered: by code point. */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
