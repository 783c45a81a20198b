/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.mlodyssey.djl.checkpoint.format.TensorHeader.MAX_ENTRIES;
import static org.mlodyssey.djl.checkpoint.format.TensorHeader.METADATA_KEY;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.JsonErrors;
import org.mlodyssey.djl.checkpoint.internal.StrictJson;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * Parses the JSON header of a named-tensor file: checks its bytes (UTF-8, no byte order mark,
 * strict JSON) and every member as it reads it (checks 4 to 9 of {@code docs/checkpoint-format.md}
 * section 5, with the entry cap of check 2 and the 64-bit integers of check 10), then hands the
 * tensors and metadata to {@link TensorHeader#validate} for the checks of the layout as a whole.
 */
final class HeaderParser {

    private HeaderParser() {}

    /**
     * Parses and validates a header, as {@link TensorHeader#parse} documents.
     *
     * @param json the header bytes as stored in the file (UTF-8 JSON, possibly space-padded)
     * @param file the file the header came from, for error messages
     * @param dataLength the byte length of the file's data region
     * @return the header, with entries in data order
     * @throws TensorFileFormatException if the header is malformed or disagrees with the data size
     */
    static TensorHeader parse(byte[] json, Path file, long dataLength)
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
        return TensorHeader.validate(
                new ArrayList<>(byName.values()), byName, metadata, file, dataLength);
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
}
