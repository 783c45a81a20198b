/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.JsonErrors;
import org.mlodyssey.djl.checkpoint.internal.StrictJson;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;
import org.mlodyssey.djl.io.UntrustedText;

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
        try {
            BoundedFiles.checkUtf8(json, file);
        } catch (BoundedReadException e) {
            throw new TensorFileFormatException(
                    Kind.INVALID_UTF8,
                    file,
                    "header",
                    "header is not valid UTF-8: first bad byte at header offset " + e.getOffset(),
                    e);
        }
        if (json.length >= 3
                && (json[0] & 0xff) == 0xef
                && (json[1] & 0xff) == 0xbb
                && (json[2] & 0xff) == 0xbf) {
            throw new TensorFileFormatException(
                    Kind.INVALID_JSON,
                    file,
                    "header",
                    "header starts with a byte order mark, which JSON does not allow");
        }
        // A writer reserves room for its header and pads it with spaces, often more than the JSON
        // itself: the parser skips none of that padding (which cannot change what the header
        // means), unless the header is malformed, when it parses everything again, so that the
        // error names the same position as it would have.
        int end = json.length;
        while (end > 0 && isJsonWhitespace(json[end - 1])) {
            end--;
        }
        return parse(json, end, file, dataLength);
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static TensorHeader parse(byte[] json, int length, Path file, long dataLength)
            throws TensorFileFormatException {
        Map<String, TensorEntry> byName = new LinkedHashMap<>();
        TreeMap<String, String> metadata = new TreeMap<>();
        // The bytes are valid UTF-8: decode them as the parser goes, never as one whole String.
        try (JsonReader reader =
                StrictJson.reader(
                        new InputStreamReader(
                                new ByteArrayInputStream(json, 0, length),
                                StandardCharsets.UTF_8))) {
            expect(reader, JsonToken.BEGIN_OBJECT, file, "header");
            reader.beginObject();
            boolean sawMetadata = false;
            while (reader.hasNext()) {
                String name = checkText(reader.nextName(), file, "tensor name");
                if (METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw new TensorFileFormatException(
                                Kind.DUPLICATE_NAME, file, METADATA_KEY, "appears twice");
                    }
                    sawMetadata = true;
                    readMetadata(reader, file, metadata, byName.size());
                } else {
                    if (name.isEmpty()) {
                        throw new TensorFileFormatException(
                                Kind.INVALID_HEADER, file, "header", "a tensor has an empty name");
                    }
                    if (byName.containsKey(name)) {
                        throw new TensorFileFormatException(
                                Kind.DUPLICATE_NAME, file, name, "tensor name used twice");
                    }
                    checkCount(byName.size() + metadata.size(), file);
                    byName.put(name, readEntry(reader, file, name));
                }
            }
            reader.endObject();
            StrictJson.checkEnd(reader);
        } catch (StrictJson.Violation e) {
            throw new TensorFileFormatException(Kind.INVALID_JSON, file, "header", e.getMessage());
        } catch (TensorFileFormatException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            if (length < json.length) {
                return parse(json, json.length, file, dataLength);
            }
            throw new TensorFileFormatException(
                    Kind.INVALID_JSON, file, "header", "header is " + JsonErrors.describe(e), e);
        }
        return validate(new ArrayList<>(byName.values()), byName, metadata, file, dataLength);
    }

    private static void checkCount(int count, Path file) throws TensorFileFormatException {
        if (count >= MAX_ENTRIES) {
            throw new TensorFileFormatException(
                    Kind.HEADER_TOO_LARGE,
                    file,
                    "header",
                    "more than "
                            + MAX_ENTRIES
                            + " tensors and metadata entries, the most a header may hold");
        }
    }

    /**
     * Refuses a string with an unpaired surrogate (JSON can spell one as an escape), which is not
     * Unicode text and which UTF-8, and so the writer, cannot encode.
     */
    private static String checkText(String text, Path file, String what)
            throws TensorFileFormatException {
        int at = UntrustedText.indexOfUnpairedSurrogate(text);
        if (at >= 0) {
            throw new TensorFileFormatException(
                    Kind.INVALID_HEADER,
                    file,
                    "header",
                    String.format(
                            "a %s holds the unpaired surrogate \\u%04x, which is not Unicode text",
                            what, (int) text.charAt(at)));
        }
        return text;
    }

    private static void readMetadata(
            JsonReader reader, Path file, Map<String, String> metadata, int tensors)
            throws IOException {
        expect(reader, JsonToken.BEGIN_OBJECT, file, METADATA_KEY);
        reader.beginObject();
        while (reader.hasNext()) {
            String key = checkText(reader.nextName(), file, "metadata key");
            String field = METADATA_KEY + "." + key;
            expect(reader, JsonToken.STRING, file, field);
            checkCount(tensors + metadata.size(), file);
            if (metadata.put(key, checkText(reader.nextString(), file, "metadata value")) != null) {
                throw new TensorFileFormatException(
                        Kind.DUPLICATE_NAME, file, field, "metadata key used twice");
            }
        }
        reader.endObject();
    }

    private static TensorEntry readEntry(JsonReader reader, Path file, String name)
            throws IOException {
        expect(reader, JsonToken.BEGIN_OBJECT, file, name);
        reader.beginObject();
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        while (reader.hasNext()) {
            String key = reader.nextName();
            String field = name + "." + key;
            switch (key) {
                case "dtype":
                    if (dtypeName != null) {
                        throw duplicateField(file, field);
                    }
                    expect(reader, JsonToken.STRING, file, field);
                    dtypeName = reader.nextString();
                    break;
                case "shape":
                    if (shape != null) {
                        throw duplicateField(file, field);
                    }
                    shape = readLongs(reader, file, field);
                    break;
                case "data_offsets":
                    if (offsets != null) {
                        throw duplicateField(file, field);
                    }
                    offsets = readLongs(reader, file, field);
                    break;
                default:
                    throw new TensorFileFormatException(
                            Kind.INVALID_HEADER, file, field, "unknown tensor field");
            }
        }
        reader.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            String missing = dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw new TensorFileFormatException(
                    Kind.INVALID_HEADER, file, name + "." + missing, "field is missing");
        }
        String dtypeText = dtypeName;
        TensorDType dtype =
                TensorDType.fromSafetensorsName(dtypeText)
                        .orElseThrow(
                                () ->
                                        new TensorFileFormatException(
                                                Kind.UNKNOWN_DTYPE,
                                                file,
                                                name + ".dtype",
                                                "unknown dtype \"" + dtypeText + "\""));
        if (offsets.length != 2) {
            throw new TensorFileFormatException(
                    Kind.INVALID_HEADER,
                    file,
                    name + ".data_offsets",
                    "expected [begin, end], got " + offsets.length + " numbers");
        }
        for (long dim : shape) {
            if (dim < 0) {
                throw new TensorFileFormatException(
                        Kind.INVALID_SHAPE,
                        file,
                        name + ".shape",
                        "negative dimension in " + Arrays.toString(shape));
            }
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static TensorFileFormatException duplicateField(Path file, String field) {
        return new TensorFileFormatException(
                Kind.DUPLICATE_NAME, file, field, "field appears twice");
    }

    private static long[] readLongs(JsonReader reader, Path file, String field) throws IOException {
        expect(reader, JsonToken.BEGIN_ARRAY, file, field);
        reader.beginArray();
        long[] values = new long[4];
        int count = 0;
        while (reader.hasNext()) {
            expect(reader, JsonToken.NUMBER, file, field);
            String literal = reader.nextString();
            if (!isInteger(literal, true)) {
                throw new TensorFileFormatException(
                        Kind.INVALID_HEADER, file, field, "expected an integer, got " + literal);
            }
            long value;
            try {
                value = Long.parseLong(literal);
            } catch (NumberFormatException e) {
                throw new TensorFileFormatException(
                        Kind.SIZE_OVERFLOW,
                        file,
                        field,
                        literal + " does not fit a signed 64-bit integer",
                        e);
            }
            if (count == 64) {
                throw new TensorFileFormatException(
                        Kind.INVALID_HEADER, file, field, "more than 64 numbers");
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = value;
        }
        reader.endArray();
        return count == values.length ? values : Arrays.copyOf(values, count);
    }

    /**
     * Tells whether text spells a decimal integer without leading zeros ({@code 0|[1-9][0-9]*}),
     * optionally preceded by a minus sign; without a regular expression, as headers hold many.
     *
     * @param text the text
     * @param signed whether a leading minus sign is allowed
     * @return whether the text is such an integer
     */
    static boolean isInteger(String text, boolean signed) {
        int start = signed && text.startsWith("-") ? 1 : 0;
        int length = text.length() - start;
        if (length == 0 || (length > 1 && text.charAt(start) == '0')) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
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

    private static void expect(JsonReader reader, JsonToken token, Path file, String field)
            throws IOException {
        JsonToken actual = reader.peek();
        if (actual != token) {
            throw new TensorFileFormatException(
                    Kind.INVALID_HEADER,
                    file,
                    field,
                    "expected " + describe(token) + ", found " + describe(actual));
        }
    }

    private static String describe(JsonToken token) {
        switch (token) {
            case BEGIN_OBJECT:
                return "an object";
            case BEGIN_ARRAY:
                return "an array";
            case STRING:
                return "a string";
            case NUMBER:
                return "a number";
            default:
                return token.toString().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static TensorHeader validate(
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
        StringWriter out = new StringWriter();
        try (JsonWriter writer = new JsonWriter(out)) {
            writer.setHtmlSafe(false);
            writer.beginObject();
            if (!metadata.isEmpty()) {
                writer.name(METADATA_KEY).beginObject();
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
     * Computes the CRC32C of the header's canonical form, which covers every tensor's name, dtype,
     * shape and offsets, and every metadata entry except those named in {@code excluded}. The
     * canonical form is specified in {@code docs/checkpoint-format.md}.
     *
     * @param excluded the metadata keys to leave out (the key that stores this checksum)
     * @return the checksum
     */
    public int canonicalCrc32c(Set<String> excluded) {
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
