/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest.FileEntry;

/** The manifest's JSON: a round trip, and one refusal per way a field can be wrong. */
class TrainingCheckpointManifestTest {

    private static final Path DIR = Path.of("checkpoints", "step-x");

    private static TrainingCheckpointManifest sample(Map<String, String> metadata) {
        Map<String, FileEntry> files = new LinkedHashMap<>();
        files.put("parameters.safetensors", new FileEntry(1234, 0xCAFEBABE));
        files.put("trainer-state.json", new FileEntry(56, 7));
        return new TrainingCheckpointManifest(
                1,
                10,
                1,
                3,
                Instant.parse("2026-11-28T12:00:00.123Z"),
                "0.36.0",
                "PyTorch",
                "2.7.1",
                metadata,
                files);
    }

    /** A sealed manifest text after a change to the JSON of a valid one. */
    private static String mutated(Consumer<JsonObject> change) {
        JsonObject root = JsonParser.parseString(sample(Map.of()).toJson()).getAsJsonObject();
        change.accept(root);
        root.remove("manifestCrc32c");
        root.addProperty("manifestCrc32c", "00000000");
        return TrainingCheckpointManifest.seal(TrainingStateJson.GSON.toJson(root));
    }

    private static InvalidTrainingCheckpointException refused(String json) {
        return assertThrows(
                InvalidTrainingCheckpointException.class,
                () -> TrainingCheckpointManifest.parse(DIR, json));
    }

    private static void assertMalformed(String json, String expectedDetail) {
        InvalidTrainingCheckpointException e = refused(json);
        assertEquals(Kind.MALFORMED_MANIFEST, e.getKind(), e.getMessage());
        assertEquals("manifest.json", e.getFile());
        assertTrue(e.getMessage().contains(expectedDetail), e.getMessage());
        assertTrue(e.getMessage().contains(DIR.toString()), e.getMessage());
    }

    @Test
    void roundTripsIncludingMetadataThatLooksLikeTheChecksumField() throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("manifestCrc32c", "00000000");
        metadata.put("note", "quotes \" and \"manifestCrc32c\": \"12345678\"");
        TrainingCheckpointManifest manifest = sample(metadata);
        assertEquals(manifest, TrainingCheckpointManifest.parse(DIR, manifest.toJson()));
    }

    @Test
    void missingFieldIsNamed() {
        assertMalformed(mutated(root -> root.remove("globalStep")), "'globalStep'");
    }

    @Test
    void mistypedFieldIsNamed() {
        assertMalformed(mutated(root -> root.addProperty("epoch", "one")), "'epoch'");
    }

    @Test
    void negativeCounterIsRefused() {
        assertMalformed(
                mutated(root -> root.addProperty("batchInEpoch", -1)),
                "'batchInEpoch' is negative");
    }

    @Test
    void fractionalCounterIsRefused() {
        assertMalformed(
                mutated(root -> root.addProperty("globalStep", 1.5)),
                "'globalStep' is not a 64-bit integer");
    }

    @Test
    void counterOutOfIntRangeIsRefused() {
        assertMalformed(
                mutated(root -> root.addProperty("epoch", 1L << 40)), "'epoch' is out of range");
    }

    @Test
    void otherFormatIsRefused() {
        assertMalformed(mutated(root -> root.addProperty("format", "something-else")), "format");
    }

    @Test
    void badTimestampIsRefused() {
        assertMalformed(mutated(root -> root.addProperty("createdAt", "yesterday")), "createdAt");
    }

    @Test
    void badChecksumTextIsRefused() {
        assertMalformed(
                mutated(
                        root ->
                                root.getAsJsonObject("files")
                                        .getAsJsonObject("trainer-state.json")
                                        .addProperty("crc32c", "XYZ")),
                "files.trainer-state.json.crc32c");
    }

    @Test
    void fileNameOutsideTheDirectoryIsRefused() {
        assertMalformed(
                mutated(
                        root ->
                                root.getAsJsonObject("files")
                                        .add(
                                                "../parameters.safetensors",
                                                root.getAsJsonObject("files")
                                                        .get("trainer-state.json"))),
                "'../parameters.safetensors' is not a plain file name");
    }

    @Test
    void invalidJsonIsRefused() {
        assertMalformed(
                TrainingCheckpointManifest.seal("{\"manifestCrc32c\": \"00000000\", "),
                "not valid JSON");
    }

    @Test
    void missingSelfChecksumIsRefused() {
        assertMalformed("{\"format\": \"djl-odyssey-training-checkpoint\"}", "manifestCrc32c");
    }

    @Test
    void alteredTextFailsItsOwnChecksum() {
        String json = sample(Map.of()).toJson().replace("\"epoch\": 1", "\"epoch\": 2");
        InvalidTrainingCheckpointException e = refused(json);
        assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind());
    }

    @Test
    void newerVersionIsRefusedSayingWhichVersionsAreKnown() {
        InvalidTrainingCheckpointException e =
                refused(mutated(root -> root.addProperty("formatVersion", 2)));
        assertEquals(Kind.UNSUPPORTED_VERSION, e.getKind());
        assertTrue(
                e.getMessage()
                        .contains("unknown version 2, this reader supports at most version 1"),
                e.getMessage());
    }

    @Test
    void duplicateKeyIsRefusedNamingIt() {
        String json =
                sample(Map.of())
                        .toJson()
                        .replaceAll(
                                "\"manifestCrc32c\": \"[0-9a-f]{8}\"",
                                "\"manifestCrc32c\": \"00000000\"")
                        .replace("\"epoch\": 1", "\"epoch\": 2,\n  \"epoch\": 1");
        assertMalformed(TrainingCheckpointManifest.seal(json), "key 'epoch' appears twice");
    }

    @Test
    void duplicateKeyInTrainerStateIsRefusedNamingIt() {
        InvalidTrainingCheckpointException e =
                assertThrows(
                        InvalidTrainingCheckpointException.class,
                        () ->
                                TrainingStateJson.parse(
                                        DIR,
                                        "{\"optimizer\": {\"counters\": {\"t\": 1, \"t\": 2}}}"));
        assertEquals(Kind.MALFORMED_TRAINER_STATE, e.getKind(), e.getMessage());
        assertEquals("trainer-state.json", e.getFile());
        assertTrue(
                e.getMessage().contains("key 'optimizer.counters.t' appears twice"),
                e.getMessage());
    }
}
