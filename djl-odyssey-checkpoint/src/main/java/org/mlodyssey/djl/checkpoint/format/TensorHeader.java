/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.format.CheckpointFormatException.ErrorKind;

/**
 * The JSON header of a named-tensor file: the tensors in data order and the {@code __metadata__}
 * string map. It parses and validates a header completely, and encodes one deterministically.
 */
public final class TensorHeader {

    /** The largest header a reader accepts by default: 100 MiB, as the safetensors reference. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 100L << 20;

    /** The JSON key of the metadata map. */
    public static final String METADATA_KEY = "__metadata__";

    private final List<TensorEntry> entries;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;

    private TensorHeader(List<TensorEntry> entries, Map<String, String> metadata) {
        this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
        Map<String, TensorEntry> index = new LinkedHashMap<>();
        for (TensorEntry entry : entries) {
            index.put(entry.name(), entry);
        }
        this.byName = Collections.unmodifiableMap(index);
        this.metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /**
     * Builds a header from entries laid out by a writer, validating it as a reader would.
     *
     * @param entries the tensors, in any order
     * @param metadata the {@code __metadata__} map
     * @param dataLength the byte length of the data region
     * @return the header, with entries in data order
     * @throws CheckpointFormatException if the entries are not a valid layout
     */
    public static TensorHeader of(
            List<TensorEntry> entries, Map<String, String> metadata, long dataLength)
            throws CheckpointFormatException {
        Set<String> names = new HashSet<>();
        for (TensorEntry entry : entries) {
            if (!names.add(entry.name())) {
                throw new CheckpointFormatException(
                        ErrorKind.DUPLICATE_NAME, null, entry.name(), "tensor name used twice");
            }
        }
        return validate(new ArrayList<>(entries), metadata, null, dataLength);
    }

    /**
     * Parses and validates a header.
     *
     * @param json the header bytes as stored in the file (UTF-8 JSON, possibly space-padded)
     * @param file the file the header came from, for error messages
     * @param dataLength the byte length of the file's data region (file size - 8 - header size)
     * @return the header, with entries in data order
     * @throws CheckpointFormatException if the header is malformed or disagrees with the data size
     */
    public static TensorHeader parse(byte[] json, Path file, long dataLength)
            throws CheckpointFormatException {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(json))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(
                    ErrorKind.INVALID_UTF8, file, "header", "header is not valid UTF-8", e);
        }
        List<TensorEntry> entries = new ArrayList<>();
        Map<String, String> metadata = new TreeMap<>();
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            expect(reader, JsonToken.BEGIN_OBJECT, file, "header");
            reader.beginObject();
            Set<String> names = new HashSet<>();
            boolean sawMetadata = false;
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw new CheckpointFormatException(
                                ErrorKind.DUPLICATE_NAME, file, METADATA_KEY, "appears twice");
                    }
                    sawMetadata = true;
                    readMetadata(reader, file, metadata);
                } else {
                    if (!names.add(name)) {
                        throw new CheckpointFormatException(
                                ErrorKind.DUPLICATE_NAME, file, name, "tensor name used twice");
                    }
                    entries.add(readEntry(reader, file, name));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new CheckpointFormatException(
                        ErrorKind.INVALID_JSON, file, "header", "content after the JSON object");
            }
        } catch (MalformedJsonException | java.io.EOFException | IllegalStateException e) {
            throw new CheckpointFormatException(
                    ErrorKind.INVALID_JSON,
                    file,
                    "header",
                    "header is not valid JSON: " + e.getMessage(),
                    e);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointFormatException(
                    ErrorKind.INVALID_JSON, file, "header", "cannot read header JSON", e);
        }
        return validate(entries, metadata, file, dataLength);
    }

    private static void readMetadata(JsonReader reader, Path file, Map<String, String> metadata)
            throws IOException {
        expect(reader, JsonToken.BEGIN_OBJECT, file, METADATA_KEY);
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            String field = METADATA_KEY + "." + key;
            expect(reader, JsonToken.STRING, file, field);
            if (metadata.put(key, reader.nextString()) != null) {
                throw new CheckpointFormatException(
                        ErrorKind.DUPLICATE_NAME, file, field, "metadata key used twice");
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
                    throw new CheckpointFormatException(
                            ErrorKind.INVALID_HEADER, file, field, "unknown tensor field");
            }
        }
        reader.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            String missing = dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw new CheckpointFormatException(
                    ErrorKind.INVALID_HEADER, file, name + "." + missing, "field is missing");
        }
        String dtypeText = dtypeName;
        TensorDType dtype =
                TensorDType.fromSafetensorsName(dtypeText)
                        .orElseThrow(
                                () ->
                                        new CheckpointFormatException(
                                                ErrorKind.UNKNOWN_DTYPE,
                                                file,
                                                name + ".dtype",
                                                "unknown dtype \"" + dtypeText + "\""));
        if (offsets.length != 2) {
            throw new CheckpointFormatException(
                    ErrorKind.INVALID_HEADER,
                    file,
                    name + ".data_offsets",
                    "expected [begin, end], got " + offsets.length + " numbers");
        }
        for (long dim : shape) {
            if (dim < 0) {
                throw new CheckpointFormatException(
                        ErrorKind.INVALID_SHAPE,
                        file,
                        name + ".shape",
                        "negative dimension in " + Arrays.toString(shape));
            }
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static CheckpointFormatException duplicateField(Path file, String field) {
        return new CheckpointFormatException(
                ErrorKind.DUPLICATE_NAME, file, field, "field appears twice");
    }

    private static long[] readLongs(JsonReader reader, Path file, String field) throws IOException {
        expect(reader, JsonToken.BEGIN_ARRAY, file, field);
        reader.beginArray();
        List<Long> values = new ArrayList<>();
        while (reader.hasNext()) {
            expect(reader, JsonToken.NUMBER, file, field);
            String literal = reader.nextString();
            if (!literal.matches("-?(0|[1-9][0-9]*)")) {
                throw new CheckpointFormatException(
                        ErrorKind.INVALID_HEADER,
                        file,
                        field,
                        "expected an integer, got " + literal);
            }
            try {
                values.add(Long.parseLong(literal));
            } catch (NumberFormatException e) {
                throw new CheckpointFormatException(
                        ErrorKind.SIZE_OVERFLOW,
                        file,
                        field,
                        literal + " does not fit a signed 64-bit integer",
                        e);
            }
            if (values.size() > 64) {
                throw new CheckpointFormatException(
                        ErrorKind.INVALID_HEADER, file, field, "more than 64 numbers");
            }
        }
        reader.endArray();
        long[] result = new long[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    private static void expect(JsonReader reader, JsonToken token, Path file, String field)
            throws IOException {
        JsonToken actual = reader.peek();
        if (actual != token) {
            throw new CheckpointFormatException(
                    ErrorKind.INVALID_HEADER,
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
            List<TensorEntry> entries, Map<String, String> metadata, Path file, long dataLength)
            throws CheckpointFormatException {
        for (TensorEntry entry : entries) {
            long expected = byteSize(entry.dtype(), entry.shape(), file, entry.name());
            if (entry.begin() < 0 || entry.end() < entry.begin()) {
                throw new CheckpointFormatException(
                        ErrorKind.OFFSETS_OUT_OF_RANGE,
                        file,
                        entry.name() + ".data_offsets",
                        "invalid range [" + entry.begin() + ", " + entry.end() + "]");
            }
            if (entry.byteSize() != expected) {
                throw new CheckpointFormatException(
                        ErrorKind.SIZE_MISMATCH,
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
                throw new CheckpointFormatException(
                        ErrorKind.OFFSETS_NOT_CONTIGUOUS,
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
            throw new CheckpointFormatException(
                    ErrorKind.TRUNCATED,
                    file,
                    subject,
                    "data ends at byte "
                            + position
                            + " of the data region, but the file holds only "
                            + dataLength
                            + " data bytes");
        }
        if (position < dataLength) {
            throw new CheckpointFormatException(
                    ErrorKind.TRAILING_BYTES,
                    file,
                    null,
                    (dataLength - position) + " bytes after the last tensor's data");
        }
        return new TensorHeader(entries, metadata);
    }

    /**
     * Computes the byte size of a tensor, with overflow checks.
     *
     * @param dtype the element type
     * @param shape the dimensions
     * @param file the file, for error messages
     * @param name the tensor's name, for error messages
     * @return the number of data bytes the tensor needs
     * @throws CheckpointFormatException if the size overflows a signed 64-bit integer
     */
    static long byteSize(TensorDType dtype, long[] shape, Path file, String name)
            throws CheckpointFormatException {
        try {
            long count = 1;
            for (long dim : shape) {
                count = Math.multiplyExact(count, dim);
            }
            return Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(
                    ErrorKind.SIZE_OVERFLOW,
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
        StringBuilder sb = new StringBuilder();
        for (TensorEntry entry : entries) {
            sb.append('t');
            field(sb, entry.name());
            field(sb, entry.dtype().safetensorsName());
            StringBuilder dims = new StringBuilder();
            for (long dim : entry.shape()) {
                if (dims.length() > 0) {
                    dims.append(',');
                }
                dims.append(dim);
            }
            field(sb, dims.toString());
            field(sb, entry.begin() + "," + entry.end());
        }
        List<Map.Entry<String, String>> sorted = new ArrayList<>(metadata.entrySet());
        sorted.sort((a, b) -> compareUtf8(a.getKey(), b.getKey()));
        for (Map.Entry<String, String> entry : sorted) {
            if (!excluded.contains(entry.getKey())) {
                sb.append('m');
                field(sb, entry.getKey());
                field(sb, entry.getValue());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private static void field(StringBuilder sb, String value) {
        sb.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
