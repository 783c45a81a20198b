/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.util.Utils;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.download.DownloadException;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;

/** A dataset with missing files downloads its archive from a mirror (a local server). */
class DatasetDownloadTest {

    @TempDir Path dir;

    @Test
    void downloadsFromTheMirrorAndChecksTheOfficialChecksum() throws Exception {
        String key = "ai.djl.offline";
        String old = System.getProperty(key);
        System.setProperty(key, "false");
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> paths = new CopyOnWriteArrayList<>();
        byte[] archive = FormatFixtures.tarGz(CifarFixture.cifar10Members(2, 2));
        server.createContext(
                "/mirror/",
                exchange -> {
                    paths.add(exchange.getRequestURI().getPath());
                    try (exchange) {
                        exchange.sendResponseHeaders(200, archive.length);
                        exchange.getResponseBody().write(archive);
                    }
                });
        server.start();
        try {
            Assumptions.assumeFalse(Utils.isOfflineMode(), "DJL_OFFLINE in the environment wins");
            String mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/";
            Cifar10 cifar =
                    Cifar10.builder()
                            .optCheckRecordCounts(false)
                            .optDataDir(dir)
                            .optMirror(mirror)
                            .optUsage(Usage.TEST)
                            .setSampling(2, false)
                            .build();
            DownloadException e = assertThrows(DownloadException.class, cifar::prepare);
            // the fixture is not the official archive: its size and MD5 are rejected
            assertEquals(DownloadException.Kind.CHECKSUM_MISMATCH, e.getKind());
            assertTrue(e.getMessage().contains(Cifar10.ARCHIVE.getMd5()), e.getMessage());
            assertEquals(List.of("/mirror/cifar-10-binary.tar.gz"), paths);
            assertFalse(Files.exists(dir.resolve("cifar-10-binary.tar.gz")));
        } finally {
            server.stop(0);
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }
}
