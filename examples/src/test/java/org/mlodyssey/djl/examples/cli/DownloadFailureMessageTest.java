/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.download.FileDownloader;
import org.mlodyssey.djl.datasets.download.RemoteFile;

/** A dataset download that gets no connection says in one line what to do offline. */
class DownloadFailureMessageTest {

    @TempDir Path dir;

    @Test
    void noConnectionToTheServerTellsHowToWorkOffline() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RemoteFile file =
                new RemoteFile(
                        "data.bin",
                        URI.create("http://127.0.0.1:" + closedPort + "/data.bin"),
                        10,
                        "00000000000000000000000000000000");
        FileDownloader once = new FileDownloader(Duration.ofSeconds(5), 1, Duration.ZERO);
        IOException e =
                assertThrows(IOException.class, () -> once.download(file, dir.resolve("f"), null));
        String message = OdysseyCommand.describe(e);
        assertTrue(message.contains("could not be downloaded"), message);
        assertTrue(message.contains("-Dai.djl.offline=true"), message);
    }
}
