/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.storage.s3.LoopbackS3Server;

/** The storage benchmark's limited-link table, in-process against the loopback server. */
class LimitedLinkTableTest {

    @TempDir Path dir;

    @Test
    void savesAndLoadsBothWaysAndComparesThem() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LoopbackS3Server server = LoopbackS3Server.startInMemory(true);
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            server.createBucket(StorageBenchmark.BUCKET);
            URI endpoint = URI.create("http://127.0.0.1:" + server.port());
            LimitedLinkTable.print(
                    LoopbackS3Server.options(endpoint).build(),
                    StorageBenchmark.gaussianCheckpoint(1),
                    10,
                    1,
                    dir,
                    out);
        }
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("A 1 MiB float32 checkpoint"), table);
        assertTrue(table.contains("through a 10 MB/s link"), table);
        assertTrue(table.matches("(?s).*\\nuncompressed +1\\.0 .*"), table);
        // Gaussian float32 values compress: fewer than the raw 1.0 MiB are sent.
        assertTrue(table.matches("(?s).*\\nzstd \\(default filter\\) \\* +0\\.\\d .*"), table);
        assertTrue(table.contains("at 10 MB/s, compressed: save "), table);
    }
}
