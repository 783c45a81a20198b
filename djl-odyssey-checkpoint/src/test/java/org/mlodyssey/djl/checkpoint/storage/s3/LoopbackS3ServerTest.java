/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loopback server the tests and {@code odyssey bench storage} start: its two backends. */
class LoopbackS3ServerTest {

    @Test
    void onDiskKeepsObjectsAsFilesUnderItsDirectoryAndStopsListening(@TempDir Path dir)
            throws IOException {
        byte[] bytes = "loopback".getBytes(StandardCharsets.UTF_8);
        int port;
        try (LoopbackS3Server server = LoopbackS3Server.startOnDisk(dir, true)) {
            port = server.port();
            assertEquals("http://127.0.0.1:" + port, server.endpoint().toString());
            server.createBucket("disk");
            try (S3CheckpointStore store =
                    S3CheckpointStore.open(
                            "s3://disk/run", LoopbackS3Server.options(server.endpoint()).build())) {
                store.write("a/b.bin", channel -> channel.write(ByteBuffer.wrap(bytes)));
                assertArrayEquals(bytes, S3ProxyTestBase.readAll(store, "a/b.bin"));
            }
            try (Stream<Path> files = Files.walk(dir.resolve("disk"))) {
                assertTrue(
                        files.anyMatch(p -> p.endsWith(Path.of("run", "a", "b.bin"))),
                        "the object is a file under the base directory");
            }
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void inMemoryWithoutIgnoringUnknownHeadersRefusesTheCrc32cHeader() throws IOException {
        try (LoopbackS3Server server = LoopbackS3Server.startInMemory(false)) {
            server.createBucket("strict");
            S3StoreOptions crc =
                    LoopbackS3Server.options(server.endpoint())
                            .optUploadChecksum(UploadChecksum.CRC32C)
                            .optMaxAttempts(1)
                            .build();
            try (S3CheckpointStore store = S3CheckpointStore.open("s3://strict/run", crc)) {
                assertThrows(
                        IOException.class,
                        () -> store.write("x", ch -> ch.write(ByteBuffer.wrap(new byte[] {1}))));
            }
        }
    }

    @Test
    void environmentNamesTheEndpointTheKeysAndARegion() {
        Map<String, String> env =
                LoopbackS3Server.environment(java.net.URI.create("http://127.0.0.1:9"));
        assertEquals("http://127.0.0.1:9", env.get("AWS_ENDPOINT_URL"));
        assertEquals(LoopbackS3Server.ACCESS_KEY, env.get("AWS_ACCESS_KEY_ID"));
        assertEquals(LoopbackS3Server.SECRET_KEY, env.get("AWS_SECRET_ACCESS_KEY"));
        assertEquals(LoopbackS3Server.REGION, env.get("AWS_REGION"));
    }
}
