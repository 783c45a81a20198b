/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.engine.Engine;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.internal.JsonErrors;
import org.mlodyssey.djl.checkpoint.internal.StrictJson;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException.Kind;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * The manifest of a training checkpoint directory ({@code manifest.json}), written last: its
 * presence marks the directory as committed, and it lists every other file with its size and
 * CRC32C. The manifest protects itself too: its {@code manifestCrc32c} field is the CRC32C of its
 * text with that field's value set to {@code 00000000}.
 *
 * @param formatVersion the version of the training checkpoint layout
 * @param globalStep optimizer steps taken when the checkpoint was taken
 * @param epoch the zero-based epoch in progress
 * @param batchInEpoch batches of that epoch done
 * @param createdAt when the checkpoint was written
 * @param djlVersion the DJL version that wrote it
 * @param engineName the engine that trained, e.g. {@code PyTorch}
 * @param engineVersion the engine's version
 * @param metadata the user's metadata
 * @param files every other file of the directory, by name
 */
public record TrainingCheckpointManifest(
        int formatVersion,
        long globalStep,
        int epoch,
        int batchInEpoch,
        Instant createdAt,
        String djlVersion,
        String engineName,
        String engineVersion,
        Map<String, String> metadata,
        Map<String, FileEntry> files) {

    /** The manifest's file name. */
    public static final String FILE_NAME = "manifest.json";

    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT_NAME = "djl-odyssey-training-checkpoint";

    /** The highest layout version this code reads, and the one it writes. */
    public static final int FORMAT_VERSION = 1;

    /**
     * The size and checksum of one file.
     *
     * @param size the size in bytes
     * @param crc32c the CRC32C of the whole file
     */
    public record FileEntry(long size, int crc32c) {}

    /**
     * Creates a manifest; the maps are copied.
     *
     * @param formatVersion the layout version
     * @param globalStep steps taken
     * @param epoch the epoch in progress
     * @param batchInEpoch batches of that epoch done
     * @param createdAt when it was written
     * @param djlVersion the DJL version
     * @param engineName the engine
     * @param engineVersion the engine's version
     * @param metadata the user's metadata
     * @param files the other files
     */
    public TrainingCheckpointManifest {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /**
     * Renders the manifest as JSON.
     *
     * @return pretty-printed JSON
     */
    public String toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT_NAME);
        root.addProperty("formatVersion", formatVersion);
        root.addProperty("globalStep", globalStep);
        root.addProperty("epoch", epoch);
        root.addProperty("batchInEpoch", batchInEpoch);
        root.addProperty("createdAt", createdAt.toString());
        root.addProperty("djlVersion", djlVersion);
        root.addProperty("engine", engineName);
        root.addProperty("engineVersion", engineVersion);
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        root.add("metadata", meta);
        JsonObject fileObject = new JsonObject();
        for (Map.Entry<String, FileEntry> entry : files.entrySet()) {
            JsonObject file = new JsonObject();
            file.addProperty("size", entry.getValue().size());
            file.addProperty("crc32c", String.format("%08x", entry.getValue().crc32c()));
            fileObject.add(entry.getKey(), file);
        }
        root.add("files", fileObject);
        root.addProperty(SELF_CHECKSUM, CRC_PLACEHOLDER);
        return seal(TrainingStateJson.GSON.toJson(root) + "\n");
    }

    /**
     * Fills in the self-checksum of a manifest text whose {@code manifestCrc32c} field, the last
     * one, holds {@code 00000000}.
     *
     * @param text the manifest text with the placeholder
     * @return the text with its CRC32C in place of the placeholder
     */
    static String seal(String text) {
        // The field is the last one written: replace its last occurrence, not a look-alike in
        // the user's metadata.
        String crc = String.format("%08x", crc32c(text));
        int at = text.lastIndexOf(quotedChecksum(CRC_PLACEHOLDER));
        if (at < 0) {
            throw new IllegalArgumentException("no " + SELF_CHECKSUM + " placeholder");
        }
        return text.substring(0, at)
                + quotedChecksum(crc)
                + text.substring(at + quotedChecksum(CRC_PLACEHOLDER).length());
    }

    private static final String SELF_CHECKSUM = "manifestCrc32c";
    private static final String CRC_PLACEHOLDER = "00000000";
    private static final Pattern SELF_CHECKSUM_PATTERN =
            Pattern.compile("\"" + SELF_CHECKSUM + "\": \"([0-9a-f]{8})\"");

    private static String quotedChecksum(String hex) {
        return "\"" + SELF_CHECKSUM + "\": \"" + hex + "\"";
    }

    private static int crc32c(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private static void checkSelfChecksum(Path directory, String json)
            throws InvalidTrainingCheckpointException {
        Matcher m = SELF_CHECKSUM_PATTERN.matcher(json);
        int start = -1;
        int end = -1;
        String stored = null;
        while (m.find()) {
            start = m.start();
            end = m.end();
            stored = m.group(1);
        }
        if (stored == null) {
            throw new InvalidTrainingCheckpointException(
                    Kind.MALFORMED_MANIFEST,
                    directory,
                    FILE_NAME,
                    "field '" + SELF_CHECKSUM + "' is missing");
        }
        String canonical =
                json.substring(0, start) + quotedChecksum(CRC_PLACEHOLDER) + json.substring(end);
        String actual = String.format("%08x", crc32c(canonical));
        if (!actual.equals(stored)) {
            throw new InvalidTrainingCheckpointException(
                    Kind.CHECKSUM_MISMATCH,
                    directory,
                    FILE_NAME,
                    "the manifest's CRC32C is " + actual + ", it records " + stored);
        }
    }

    /**
     * Parses and validates a manifest.
     *
     * @param directory the checkpoint directory, for error messages
     * @param json the manifest's text
     * @return the manifest
     * @throws InvalidTrainingCheckpointException if the manifest is malformed or too new
     */
    public static TrainingCheckpointManifest parse(Path directory, String json)
            throws InvalidTrainingCheckpointException {
        checkSelfChecksum(directory, json);
        Fields f = new Fields(directory, FILE_NAME, json);
        String format = f.string(f.root, "format");
        if (!FORMAT_NAME.equals(format)) {
            throw f.malformed("format is '" + format + "', expected '" + FORMAT_NAME + "'");
        }
        long version = f.number(f.root, "formatVersion");
        if (version > FORMAT_VERSION || version < 1) {
            throw new InvalidTrainingCheckpointException(
                    Kind.UNSUPPORTED_VERSION,
                    directory,
                    FILE_NAME,
                    "unknown version "
                            + version
                            + ", this reader supports at most version "
                            + FORMAT_VERSION);
        }
        Instant createdAt;
        try {
            createdAt = Instant.parse(f.string(f.root, "createdAt"));
        } catch (DateTimeParseException e) {
            throw f.malformed("createdAt is not an ISO-8601 instant");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : f.object(f.root, "metadata").entrySet()) {
            metadata.put(entry.getKey(), f.string(f.object(f.root, "metadata"), entry.getKey()));
        }
        Map<String, FileEntry> files = new LinkedHashMap<>();
        JsonObject fileObject = f.object(f.root, "files");
        for (String name : fileObject.keySet()) {
            if (name.isEmpty()
                    || name.contains("/")
                    || name.contains("\\")
                    || name.startsWith(".")) {
                throw f.malformed("file name '" + name + "' is not a plain file name");
            }
            JsonObject file = f.object(fileObject, name);
            long size = f.number(file, "size");
            String crc = f.string(file, "crc32c");
            if (!crc.matches("[0-9a-f]{8}")) {
                throw f.malformed("files." + name + ".crc32c is not 8 lower-case hex digits");
            }
            files.put(name, new FileEntry(size, Integer.parseUnsignedInt(crc, 16)));
        }
        return new TrainingCheckpointManifest(
                (int) version,
                f.number(f.root, "globalStep"),
                f.intNumber(f.root, "epoch"),
                f.intNumber(f.root, "batchInEpoch"),
                createdAt,
                f.string(f.root, "djlVersion"),
                f.string(f.root, "engine"),
                f.string(f.root, "engineVersion"),
                metadata,
                files);
    }

    /** Typed access to JSON fields, failing with the field's name. */
    static final class Fields {
        private final Path directory;
        private final String file;
        final JsonObject root;

        Fields(Path directory, String file, String json) throws InvalidTrainingCheckpointException {
            this.directory = directory;
            this.file = file;
            try {
                root = StrictJson.parseObject(json);
            } catch (StrictJson.Violation e) {
                throw malformed(
                        e.getKey() == null
                                ? e.getMessage()
                                : "key '"
                                        + UntrustedText.forMessage(e.getKey())
                                        + "' "
                                        + e.getMessage());
            } catch (JsonParseException | IOException | IllegalStateException e) {
                throw new InvalidTrainingCheckpointException(
                        reason(), directory, file, JsonErrors.describe(e), e);
            }
        }

        private Kind reason() {
            return FILE_NAME.equals(file) ? Kind.MALFORMED_MANIFEST : Kind.MALFORMED_TRAINER_STATE;
        }

        InvalidTrainingCheckpointException malformed(String detail) {
            return new InvalidTrainingCheckpointException(reason(), directory, file, detail);
        }

        JsonObject object(JsonObject parent, String name)
                throws InvalidTrainingCheckpointException {
            JsonElement e = parent.get(name);
            if (e == null || !e.isJsonObject()) {
                throw malformed("field '" + name + "' is missing or not an object");
            }
            return e.getAsJsonObject();
        }

        String string(JsonObject parent, String name) throws InvalidTrainingCheckpointException {
            JsonElement e = parent.get(name);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw malformed("field '" + name + "' is missing or not a string");
            }
            return e.getAsString();
        }

        long number(JsonObject parent, String name) throws InvalidTrainingCheckpointException {
            JsonElement e = parent.get(name);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw malformed("field '" + name + "' is missing or not a number");
            }
            JsonPrimitive p = e.getAsJsonPrimitive();
            try {
                long value = p.getAsBigDecimal().longValueExact();
                if (value < 0) {
                    throw malformed("field '" + name + "' is negative: " + value);
                }
                return value;
            } catch (ArithmeticException ex) {
                throw malformed("field '" + name + "' is not a 64-bit integer: " + p);
            }
        }

        int intNumber(JsonObject parent, String name) throws InvalidTrainingCheckpointException {
            long value = number(parent, name);
            if (value > Integer.MAX_VALUE) {
                throw malformed("field '" + name + "' is out of range: " + value);
            }
            return (int) value;
        }
    }

    /**
     * Returns the bytes of a checkpoint: its manifest and the files it records.
     *
     * @param checkpoint the checkpoint, for messages
     * @param manifestJson its manifest
     * @return the size in bytes
     * @throws InvalidTrainingCheckpointException if the manifest is malformed
     */
    static long totalBytes(Path checkpoint, String manifestJson)
            throws InvalidTrainingCheckpointException {
        long total = manifestJson.getBytes(StandardCharsets.UTF_8).length;
        for (FileEntry file : parse(checkpoint, manifestJson).files().values()) {
            total += file.size();
        }
        return total;
    }

    /**
     * Makes the manifest of a checkpoint saved now, with this engine's names and versions.
     *
     * @param progress the checkpoint's position
     * @param metadata user metadata
     * @param files the size and CRC32C of each file, by name
     * @return the manifest
     */
    static TrainingCheckpointManifest forSave(
            TrainingProgress progress, Map<String, String> metadata, Map<String, FileEntry> files) {
        Engine engine = Engine.getInstance();
        return new TrainingCheckpointManifest(
                FORMAT_VERSION,
                progress.globalStep(),
                progress.epoch(),
                progress.batchInEpoch(),
                Instant.now(),
                Engine.getDjlVersion(),
                engine.getEngineName(),
                engine.getVersion(),
                metadata,
                files);
    }
}
