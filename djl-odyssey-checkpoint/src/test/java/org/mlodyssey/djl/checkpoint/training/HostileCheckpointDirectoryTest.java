/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException.Kind;

/**
 * A checkpoint directory whose JSON files are hostile: not files, not UTF-8, not strict JSON. Each
 * is refused at once with its reason, in one line of our own words.
 */
class HostileCheckpointDirectoryTest {

    @TempDir Path dir;

    private InvalidTrainingCheckpointException refused() {
        return assertThrows(
                InvalidTrainingCheckpointException.class, () -> TrainingCheckpoint.open(dir));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aManifestThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Process p = new ProcessBuilder("mkfifo", dir.resolve("manifest.json").toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo unavailable");
        InvalidTrainingCheckpointException e = refused();
        assertEquals(Kind.UNREADABLE_FILE, e.getKind(), e.getMessage());
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aManifestLinkedToDevZeroIsRefusedWithoutReadingIt() throws Exception {
        Path zero = Paths.get("/dev/zero");
        assumeTrue(Files.exists(zero), "needs the Unix device /dev/zero");
        Files.createSymbolicLink(dir.resolve("manifest.json"), zero);
        assertEquals(Kind.UNREADABLE_FILE, refused().getKind());
    }

    @Test
    void aManifestThatIsNotUtf8NamesTheOffset() throws Exception {
        Files.write(dir.resolve("manifest.json"), new byte[] {'{', ' ', (byte) 0xfe, '}'});
        InvalidTrainingCheckpointException e = refused();
        assertEquals(Kind.MALFORMED_MANIFEST, e.getKind());
        assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
    }

    @Test
    void lenientJsonIsRefusedAndTheErrorIsOursOnOneLine() throws Exception {
        TrainingCheckpointManifest manifest =
                new TrainingCheckpointManifest(
                        1,
                        1,
                        0,
                        1,
                        Instant.parse("2026-11-30T00:00:00Z"),
                        "0.36.0",
                        "PyTorch",
                        "2.7.1",
                        Map.of(),
                        Map.of());
        String valid = manifest.toJson();
        String[] lenient = {
            valid.replace("\"epoch\": 0", "\"epoch\": 0 /* comment */"),
            valid.replace("\"format\":", "format:"),
            valid.replace("{", "{\"x\": NaN,"),
            "\ufeff" + valid,
            valid + "{}",
            valid.replace("\"engine\": \"PyTorch\"", "\"engine\": \"Py\u0000\u001b[2KTorch\" x")
        };
        for (String text : lenient) {
            String sealed = resealed(text);
            Files.writeString(dir.resolve("manifest.json"), sealed, StandardCharsets.UTF_8);
            InvalidTrainingCheckpointException e = refused();
            assertEquals(Kind.MALFORMED_MANIFEST, e.getKind(), e.getMessage());
            String m = e.getMessage();
            assertFalse(m.contains("setStrictness"), m);
            assertFalse(m.contains("http"), m);
            assertFalse(m.chars().anyMatch(c -> c < 0x20), m);
        }
    }

    /** Puts the right self-checksum into a manifest text, so that only its JSON is at fault. */
    private static String resealed(String text) {
        return TrainingCheckpointManifest.seal(
                text.replaceFirst(
                        "\"manifestCrc32c\": \"[0-9a-f]{8}\"", "\"manifestCrc32c\": \"00000000\""));
    }
}
