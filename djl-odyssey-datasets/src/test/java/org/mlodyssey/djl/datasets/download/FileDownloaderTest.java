/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.util.Progress;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local HTTP server on 127.0.0.1, never the internet. */
class FileDownloaderTest {

    /** How the test server answers. */
    enum Mode {
        FULL,
        RANGES,
        ERROR,
        NOT_FOUND,
        /** The first answer is cut after a third of the content; then as RANGES. */
        CUT_ONCE
    }

    @TempDir Path dir;

    private HttpServer server;
    private volatile Mode mode = Mode.FULL;
    private final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final byte[] content = new byte[300_000];

    @BeforeEach
    void startServer() throws IOException {
        new Random(1).nextBytes(content);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        rangeHeaders.add(String.valueOf(range));
        try (exchange) {
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            switch (mode) {
                case CUT_ONCE:
                    mode = Mode.RANGES;
                    exchange.sendResponseHeaders(200, content.length);
                    exchange.getResponseBody().write(content, 0, content.length / 3);
                    exchange.getResponseBody().flush();
                    return; // closing the exchange short of the length drops the connection
                case NOT_FOUND:
                    exchange.sendResponseHeaders(404, -1);
                    return;
                case ERROR:
                    exchange.sendResponseHeaders(500, -1);
                    return;
                case RANGES:
                    if (range != null && range.startsWith("bytes=")) {
                        int from = Integer.parseInt(range.substring(6, range.length() - 1));
                        if (from >= content.length) {
                            exchange.getResponseHeaders()
                                    .add("Content-Range", "bytes */" + content.length);
                            exchange.sendResponseHeaders(416, -1);
                            return;
                        }
                        exchange.getResponseHeaders()
                                .add(
                                        "Content-Range",
                                        "bytes "
                                                + from
                                                + "-"
                                                + (content.length - 1)
                                                + "/"
                                                + content.length);
                        exchange.sendResponseHeaders(206, content.length - from);
                        exchange.getResponseBody().write(content, from, content.length - from);
                        return;
                    }
                    exchange.sendResponseHeaders(200, content.length);
                    exchange.getResponseBody().write(content);
                    return;
                case FULL:
                default:
                    exchange.sendResponseHeaders(200, content.length);
                    exchange.getResponseBody().write(content);
            }
        }
    }

    /** A downloader that makes one attempt. */
    private static FileDownloader downloader() {
        return new FileDownloader(Duration.ofSeconds(10), 1, Duration.ZERO);
    }

    /** A downloader that makes three attempts, 10 ms apart. */
    private static FileDownloader retrying() {
        return new FileDownloader(Duration.ofSeconds(10), 3, Duration.ofMillis(10));
    }

    /**
     * Serves one request on a raw socket: headers promising the whole content, a third of it, then
     * a closed connection.
     */
    private int startTruncatingServer(ServerSocket socket) {
        return startPartialServer(socket, content.length / 3, new CountDownLatch(0));
    }

    /**
     * Serves one request on a raw socket: headers promising the whole content, its first bytes,
     * then nothing until released, then a closed connection.
     */
    private int startPartialServer(ServerSocket socket, int bytes, CountDownLatch release) {
        Thread thread =
                new Thread(
                        () -> {
                            try (Socket client = socket.accept()) {
                                readRequestHeaders(client);
                                OutputStream out = client.getOutputStream();
                                out.write(
                                        ("HTTP/1.1 200 OK\r\nContent-Length: "
                                                        + content.length
                                                        + "\r\nConnection: close\r\n\r\n")
                                                .getBytes(StandardCharsets.US_ASCII));
                                out.write(content, 0, bytes);
                                out.flush();
                                release.await();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        thread.setDaemon(true);
        thread.start();
        return socket.getLocalPort();
    }

    /** Reads a request's line and headers, which the raw test servers do not need. */
    private static void readRequestHeaders(Socket client) throws IOException {
        BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // the request's headers are not needed
        }
    }

    private RemoteFile remote(String md5) {
        URI url =
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/data.bin");
        return new RemoteFile("data.bin", url, content.length, md5);
    }

    private String md5() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    /** Records what a download reports through DJL's Progress. */
    static final class RecordingProgress implements Progress {
        long max;
        long progress;
        boolean ended;

        @Override
        public void reset(String message, long max, String trailingMessage) {
            this.max = max;
            this.progress = 0;
        }

        @Override
        public void start(long initialProgress) {
            progress = initialProgress;
        }

        @Override
        public void end() {
            ended = true;
        }

        @Override
        public void increment(long increment) {
            progress += increment;
        }

        @Override
        public void update(long progress, String message) {
            this.progress = progress;
        }
    }

    @Test
    void downloadsVerifiesAndPlacesTheFile() throws Exception {
        Path target = dir.resolve("sub/data.bin");
        RecordingProgress progress = new RecordingProgress();
        downloader().download(remote(md5()), target, progress);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(dir.resolve("sub/data.bin.part")));
        assertEquals(content.length, progress.max);
        assertEquals(content.length, progress.progress);
        assertTrue(progress.ended);
        assertEquals(List.of("null"), rangeHeaders);
        downloader().download(remote(md5()), target, null);
        assertEquals(1, rangeHeaders.size(), "an existing target is not downloaded again");
    }

    @Test
    void wrongChecksumDiscardsTheDownload() {
        Path target = dir.resolve("data.bin");
        DownloadException e =
                assertThrows(
                        DownloadException.class,
                        () ->
                                downloader()
                                        .download(
                                                remote("00000000000000000000000000000000"),
                                                target,
                                                null));
        assertEquals(DownloadException.Kind.CHECKSUM_MISMATCH, e.getKind());
        assertTrue(e.getMessage().contains("00000000000000000000000000000000"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("data.bin.part")));
    }

    @Test
    void truncatedTransferKeepsThePartialFileAndTheNextAttemptResumesIt() throws Exception {
        Path target = dir.resolve("data.bin");
        Path part = dir.resolve("data.bin.part");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = startTruncatingServer(socket);
            RemoteFile cut =
                    new RemoteFile(
                            "data.bin",
                            URI.create("http://127.0.0.1:" + port + "/files/data.bin"),
                            content.length,
                            md5());
            DownloadException e =
                    assertThrows(
                            DownloadException.class,
                            () -> downloader().download(cut, target, null));
            assertEquals(DownloadException.Kind.TRUNCATED, e.getKind());
        }
        assertFalse(Files.exists(target));
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept < content.length, "kept " + kept);
        assertArrayEquals(Arrays.copyOf(content, (int) kept), Files.readAllBytes(part));

        mode = Mode.RANGES;
        downloader().download(remote(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of("bytes=" + kept + "-"), rangeHeaders);
    }

    @Test
    void resumesAPartialDownloadWithARangeRequest() throws Exception {
        mode = Mode.RANGES;
        Path target = dir.resolve("data.bin");
        Files.write(dir.resolve("data.bin.part"), Arrays.copyOf(content, 123_456));
        RecordingProgress progress = new RecordingProgress();
        downloader().download(remote(md5()), target, progress);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of("bytes=123456-"), rangeHeaders);
        assertEquals(content.length, progress.progress);
    }

    @Test
    void restartsWhenTheServerIgnoresTheRange() throws Exception {
        mode = Mode.FULL;
        Path target = dir.resolve("data.bin");
        byte[] stale = new byte[1000];
        Files.write(dir.resolve("data.bin.part"), stale);
        downloader().download(remote(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of("bytes=1000-"), rangeHeaders);
    }

    @Test
    void serverErrorIsReportedWithTheStatus() {
        mode = Mode.ERROR;
        Path target = dir.resolve("data.bin");
        DownloadException e =
                assertThrows(
                        DownloadException.class,
                        () -> downloader().download(remote(md5()), target, null));
        assertEquals(DownloadException.Kind.HTTP_STATUS, e.getKind());
        assertTrue(e.getMessage().contains("500"), e.getMessage());
        assertFalse(Files.exists(target));
        assertNull(e.getCause());
    }

    @Test
    void aServerThatIsUnavailableTwiceIsRetriedUntilItAnswers() throws Exception {
        unavailable.set(2);
        Path target = dir.resolve("data.bin");
        retrying().download(remote(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(3, rangeHeaders.size(), "two 503 answers, then the file");
    }

    @Test
    void theLastAttemptsFailureIsThrown() {
        unavailable.set(5);
        DownloadException e =
                assertThrows(
                        DownloadException.class,
                        () -> retrying().download(remote(md5()), dir.resolve("data.bin"), null));
        assertEquals(DownloadException.Kind.HTTP_STATUS, e.getKind());
        assertTrue(e.getMessage().contains("503"), e.getMessage());
        assertEquals(3, rangeHeaders.size(), "three attempts, no more");
    }

    @Test
    void aClientErrorIsNotRetried() {
        mode = Mode.NOT_FOUND;
        DownloadException e =
                assertThrows(
                        DownloadException.class,
                        () -> retrying().download(remote(md5()), dir.resolve("data.bin"), null));
        assertEquals(DownloadException.Kind.HTTP_STATUS, e.getKind());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertEquals(1, rangeHeaders.size());
    }

    @Test
    void aCutTransferIsResumedByTheNextAttempt() throws Exception {
        mode = Mode.CUT_ONCE;
        Path target = dir.resolve("data.bin");
        retrying().download(remote(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(2, rangeHeaders.size(), rangeHeaders.toString());
        assertEquals("null", rangeHeaders.get(0));
        assertTrue(rangeHeaders.get(1).startsWith("bytes="), "resumed: " + rangeHeaders);
    }

    @Test
    @Timeout(60)
    void aTransferThatStallsIsGivenUpAfterTheTimeout() throws Exception {
        Path target = dir.resolve("data.bin");
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = startPartialServer(socket, 1000, release); // then a stalled transfer
            RemoteFile stalled =
                    new RemoteFile(
                            "data.bin",
                            URI.create(
                                    "http://127.0.0.1:"
                                            + socket.getLocalPort()
                                            + "/files/data.bin"),
                            content.length,
                            md5());
            FileDownloader impatient = new FileDownloader(Duration.ofSeconds(1), 1, Duration.ZERO);
            DownloadException e =
                    assertThrows(
                            DownloadException.class,
                            () -> impatient.download(stalled, target, null));
            assertEquals(DownloadException.Kind.TRUNCATED, e.getKind());
            release.countDown();
        }
        assertEquals(1000, Files.size(dir.resolve("data.bin.part")), "kept for the next attempt");
    }

    @Test
    void attemptsAndBackoffAreChecked() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new FileDownloader(Duration.ofSeconds(1), 0, Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FileDownloader(Duration.ofSeconds(1), 2, Duration.ofMillis(-1)));
    }

    @Test
    void mirrorKeepsNameSizeAndChecksum() {
        RemoteFile official =
                new RemoteFile(
                        "a.tar.gz",
                        URI.create("https://example.org/x/a.tar.gz"),
                        10,
                        "0123456789abcdef0123456789ABCDEF");
        RemoteFile mirrored = official.atMirror("http://127.0.0.1:1/m");
        assertEquals(URI.create("http://127.0.0.1:1/m/a.tar.gz"), mirrored.getUrl());
        assertEquals(10, mirrored.getSize());
        assertEquals("0123456789abcdef0123456789abcdef", mirrored.getMd5());
        assertThrows(
                IllegalArgumentException.class,
                () -> new RemoteFile("a", URI.create("http://h/a"), 1, "not-md5"));
    }

    private RemoteFile remoteOfUnknownSize(String md5) {
        URI url =
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/data.bin");
        return new RemoteFile("data.bin", url, -1, md5);
    }

    @Test
    void completePartOfUnknownSizeIsAcceptedWhenTheServerAnswers416() throws Exception {
        // a process stopped between the transfer and the rename: the .part holds the whole file
        mode = Mode.RANGES;
        Path target = dir.resolve("data.bin");
        Files.write(dir.resolve("data.bin.part"), content);
        downloader().download(remoteOfUnknownSize(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of("bytes=" + content.length + "-"), rangeHeaders);
        assertFalse(Files.exists(dir.resolve("data.bin.part")));
    }

    @Test
    void wrongPartOfUnknownSizeIsRestartedWhenTheServerAnswers416() throws Exception {
        mode = Mode.RANGES;
        Path target = dir.resolve("data.bin");
        Files.write(dir.resolve("data.bin.part"), new byte[content.length + 10]);
        downloader().download(remoteOfUnknownSize(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of("bytes=" + (content.length + 10) + "-", "null"), rangeHeaders);
    }

    @Test
    void localWriteFailureIsReportedAsLocalNotAsACutTransfer() throws Exception {
        // the .part file is /dev/full: every write fails with "No space left on device"
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.exists(devFull), "needs /dev/full");
        Path part = Files.createSymbolicLink(dir.resolve("data.bin.part"), devFull);
        DownloadException e =
                assertThrows(
                        DownloadException.class,
                        () -> downloader().download(remote(md5()), dir.resolve("data.bin"), null));
        assertEquals(DownloadException.Kind.LOCAL_IO, e.getKind());
        assertTrue(e.getMessage().contains(part.toString()), e.getMessage());
        assertFalse(Files.exists(dir.resolve("data.bin")));
    }

    @Test
    void secondDownloadIntoTheSameFileFailsFastWhileTheFirstHoldsTheLock() throws Exception {
        Path target = dir.resolve("data.bin");
        Path lockFile = dir.resolve("data.bin.part.lock");
        try (FileChannel channel =
                        FileChannel.open(
                                lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            DownloadException e =
                    assertThrows(
                            DownloadException.class,
                            () -> downloader().download(remote(md5()), target, null));
            assertEquals(DownloadException.Kind.IN_PROGRESS, e.getKind());
            assertTrue(e.getMessage().contains(lockFile.toString()), e.getMessage());
            assertTrue(held.isValid());
        }
        assertEquals(List.of(), rangeHeaders, "nothing was requested while the lock was held");
        assertFalse(Files.exists(dir.resolve("data.bin.part")));
        downloader().download(remote(md5()), target, null);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(lockFile), "the lock file is removed once the target exists");
    }
}
