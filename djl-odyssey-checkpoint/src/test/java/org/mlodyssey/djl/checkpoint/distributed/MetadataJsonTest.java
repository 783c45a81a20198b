/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/** The metadata round-trips, and each way it can be malformed or tampered with is refused. */
class MetadataJsonTest {

    @TempDir Path dir;
    private String json;

    @BeforeEach
    void save() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 2, GlobalTensors.standardSet(), 64);
        }
        json = Files.readString(dir.resolve("c").resolve(DistributedLayout.METADATA));
    }

    private DistributedCheckpointException refused(String text) {
        return assertThrows(
                DistributedCheckpointException.class,
                () -> DistributedMetadata.parse(text.getBytes(StandardCharsets.UTF_8), "m"));
    }

    @Test
    void roundTrips() throws Exception {
        DistributedMetadata metadata =
                DistributedMetadata.parse(json.getBytes(StandardCharsets.UTF_8), "m");
        assertArrayEquals(json.getBytes(StandardCharsets.UTF_8), metadata.toJson());
        assertEquals(2, metadata.worldSize());
        assertEquals(8, metadata.tensors().size());
    }

    @Test
    void rankManifestsRoundTrip() throws Exception {
        byte[] bytes =
                Files.readAllBytes(dir.resolve("c").resolve(DistributedLayout.rankManifest(1, 2)));
        RankManifest manifest = RankManifest.parse(bytes, "r");
        assertEquals(1, manifest.rank());
        assertArrayEquals(bytes, manifest.toJson());
    }

    @Test
    void notJson() {
        assertEquals(Kind.MALFORMED_METADATA, refused("{\"format\": ").getKind());
    }

    @Test
    void duplicateKey() {
        assertEquals(
                Kind.MALFORMED_METADATA,
                refused(json.replaceFirst("\\{", "{\"save_id\": \"x\",")).getKind());
    }

    @Test
    void missingField() {
        DistributedCheckpointException e = refused(json.replace("\"world_size\"", "\"world\""));
        assertEquals(Kind.MALFORMED_METADATA, e.getKind());
        assertTrue(e.getMessage().contains("world_size is missing"), e.getMessage());
    }

    @Test
    void newerVersion() {
        assertEquals(
                Kind.UNSUPPORTED_VERSION,
                refused(json.replace("\"format_version\": 1", "\"format_version\": 9")).getKind());
    }

    @Test
    void fractionalOffset() {
        assertEquals(
                Kind.MALFORMED_METADATA,
                refused(json.replaceFirst("\"byte_offset\": (\\d+)", "\"byte_offset\": $1.5"))
                        .getKind());
    }

    @Test
    void unknownDtype() {
        assertEquals(
                Kind.MALFORMED_METADATA,
                refused(json.replaceFirst("\"F32\"", "\"F31\"")).getKind());
    }

    @Test
    void wrongNumberOfBlockChecksums() {
        assertEquals(
                Kind.MALFORMED_METADATA,
                refused(json.replaceFirst("\"block_crc32c\": \"", "\"block_crc32c\": \"00000000,"))
                        .getKind());
    }

    @Test
    void blockChecksumsNotLowercaseHexOrNotCommaSeparated() {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"block_crc32c\": \"([0-9a-f]{8}),([0-9a-f])")
                        .matcher(json);
        assertTrue(m.find(), "the fixture has a chunk of two blocks or more");
        String first = m.group(1);
        for (String bad :
                new String[] {"0000000g,", "ABCDEF01,", "0000000 ,", "-0000001,", first + ";"}) {
            String tampered = json.substring(0, m.start(1)) + bad + json.substring(m.start(2));
            assertEquals(Kind.MALFORMED_METADATA, refused(tampered).getKind(), bad);
        }
    }

    @Test
    void keyLeavingTheCheckpoint() {
        assertEquals(
                Kind.MALFORMED_METADATA,
                refused(json.replaceFirst("\"key\": \"rank-", "\"key\": \"../rank-")).getKind());
    }

    @Test
    void tamperedSliceOverlapsAnother() {
        // The second row chunk claims to start one row earlier: it overlaps the first.
        String tampered = json.replaceFirst("\"offsets\": \\[\\s*18,", "\"offsets\": [17,");
        assertTrue(!tampered.equals(json), "the fixture has a row chunk at 18");
        assertEquals(Kind.OVERLAPPING_CHUNKS, refused(tampered).getKind());
    }
}
