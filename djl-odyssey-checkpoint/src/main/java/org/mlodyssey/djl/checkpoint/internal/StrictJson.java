/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;

/**
 * The one set of rules every JSON file of this project is read by: no byte order mark, strict
 * syntax (no comments, {@code NaN} or unquoted names), no key twice in one object, and nothing
 * after the value. Each reader turns a {@link Violation} or a syntax error ({@link
 * JsonErrors#describe}) into its own typed exception naming its file.
 */
public final class StrictJson {

    private StrictJson() {}

    /** A rule of strict JSON that a text breaks, other than its syntax. */
    public static final class Violation extends Exception {
        private static final long serialVersionUID = 1L;

        private final String key;

        Violation(String key, String detail) {
            super(detail);
            this.key = key;
        }

        /**
         * Returns the key the violation is about.
         *
         * @return the duplicated key, or {@code null} when the violation concerns no key
         */
        public String getKey() {
            return key;
        }
    }

    /**
     * Refuses a text that starts with a byte order mark, which JSON does not allow (and which the
     * parser would skip silently).
     *
     * @param text the text
     * @throws Violation if the text starts with a byte order mark
     */
    public static void checkNoByteOrderMark(String text) throws Violation {
        if (text.startsWith("\ufeff")) {
            throw new Violation(null, "starts with a byte order mark, which JSON does not allow");
        }
    }

    /**
     * Opens a strict reader.
     *
     * @param in the text
     * @return a reader that refuses comments, {@code NaN} and unquoted names
     */
    public static JsonReader reader(Reader in) {
        JsonReader reader = new JsonReader(in);
        reader.setStrictness(Strictness.STRICT);
        return reader;
    }

    /**
     * Checks that nothing but whitespace follows the value just read.
     *
     * @param reader the reader, after the value
     * @throws IOException if what follows is not valid JSON
     * @throws Violation if a value follows
     */
    public static void checkEnd(JsonReader reader) throws IOException, Violation {
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new Violation(null, "content after the JSON object");
        }
    }

    /**
     * Parses a text holding one JSON object.
     *
     * @param text the text
     * @return the object
     * @throws IOException if the text is not valid JSON ({@link JsonErrors#describe} words it)
     * @throws Violation if the text is not one object, starts with a byte order mark, has content
     *     after the object, or repeats a key in an object
     */
    public static JsonObject parseObject(String text) throws IOException, Violation {
        checkNoByteOrderMark(text);
        try (JsonReader reader = reader(new StringReader(text))) {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new Violation(null, "not a JSON object");
            }
            JsonElement value = read(reader, "");
            checkEnd(reader);
            return value.getAsJsonObject();
        }
    }

    private static JsonElement read(JsonReader reader, String path) throws IOException, Violation {
        switch (reader.peek()) {
            case BEGIN_OBJECT:
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String key = reader.nextName();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    if (object.has(key)) {
                        throw new Violation(keyPath, "appears twice");
                    }
                    object.add(key, read(reader, keyPath));
                }
                reader.endObject();
                return object;
            case BEGIN_ARRAY:
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, path + "[" + array.size() + "]"));
                }
                reader.endArray();
                return array;
            case STRING:
                return new JsonPrimitive(reader.nextString());
            case NUMBER:
                // The literal, already checked by the strict reader, as Gson's own parser holds
                // numbers (lazily parsed, so that every JsonPrimitive accessor behaves as before).
                return JsonParser.parseString(reader.nextString());
            case BOOLEAN:
                return new JsonPrimitive(reader.nextBoolean());
            case NULL:
                reader.nextNull();
                return JsonNull.INSTANCE;
            default:
                throw new IllegalStateException("unexpected " + reader.peek());
        }
    }
}
