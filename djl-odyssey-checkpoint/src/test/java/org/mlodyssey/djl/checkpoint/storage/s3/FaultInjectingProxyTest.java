/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultInjectingProxy} relaying to a server on a raw socket that answers every request with
 * the same bytes and then ends its connection, as S3Proxy's Jetty does after a handler fails: each
 * answer must reach the client whole and framed, so the client never waits for more.
 */
class FaultInjectingProxyTest {

    /**
     * What Jetty sent for a {@code PutObject} whose handler ran out of heap: no length, no body.
     */
    private static final String JETTY_500 =
            "HTTP/1.1 500 Server Error\r\n"
                    + "Date: Tue, 01 Dec 2026 03:09:33 GMT\r\n"
                    + "x-amz-request-id: 4442587FB7D0A2F9\r\n"
                    + "Connection: close\r\n"
                    + "Server: Jetty(11.0.24)\r\n"
                    + "\r\n";

    /** How long a client here waits for a byte before the test fails; the relay takes ms. */
    private static final int PATIENCE_MS = 10_000;

    private CannedServer server;
    private FaultInjectingProxy proxy;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private FaultInjectingProxy proxyInFrontOf(String answer) throws IOException {
        server = new CannedServer(answer);
        proxy = FaultInjectingProxy.start(server.port());
        return proxy;
    }

    @Test
    void aServerErrorThatEndsTheConnectionReachesTheClientWithALengthAndTheEnd()
            throws IOException {
        proxyInFrontOf(JETTY_500);
        try (Socket client = connect(proxy.endpoint())) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            // the SDK's PutObject: it waits for 100 Continue before it sends the body
            out.write(
                    ascii(
                            "PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Expect: 100-continue\r\nConnection: keep-alive\r\n"
                                    + "Content-Length: 5\r\n\r\n"));
            out.flush();
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", FaultInjectingProxy.readHead(in));
            out.write(ascii("12345"));
            out.flush();
            String head = FaultInjectingProxy.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 500 "), head);
            assertTrue(head.contains("\r\nContent-Length: 0\r\n"), head);
            // the server ended its connection after the answer; the client sees that end
            assertEquals(-1, in.read());
        }
        assertEquals(List.of("PUT /bucket/key HTTP/1.1"), proxy.requests());
        assertEquals(List.of(5), server.bodyLengths());
    }

    @Test
    void aBodyThatRunsToTheEndOfTheServersConnectionIsRelayedWhole() throws IOException {
        proxyInFrontOf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe whole body");
        try (Socket client = connect(proxy.endpoint())) {
            InputStream in = client.getInputStream();
            client.getOutputStream().write(ascii("GET /bucket/key HTTP/1.1\r\nHost: x\r\n\r\n"));
            String head = FaultInjectingProxy.readHead(in);
            assertTrue(head.contains("\r\nContent-Length: 14\r\n"), head);
            assertEquals("the whole body", new String(in.readNBytes(14), StandardCharsets.UTF_8));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void anAnswerShorterThanItsLengthEndsTheClientsConnectionToo() throws IOException {
        proxyInFrontOf("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
        try (Socket client = connect(proxy.endpoint())) {
            InputStream in = client.getInputStream();
            client.getOutputStream().write(ascii("GET /bucket/key HTTP/1.1\r\nHost: x\r\n\r\n"));
            FaultInjectingProxy.readHead(in);
            assertEquals("only ten b", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aKeptConnectionCarriesTheNextRequestAfterALengthDelimitedAnswer() throws IOException {
        proxyInFrontOf("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (Socket client = connect(proxy.endpoint())) {
            InputStream in = client.getInputStream();
            for (int i = 0; i < 2; i++) {
                client.getOutputStream()
                        .write(ascii("GET /b/k" + i + " HTTP/1.1\r\nHost: x\r\n\r\n"));
                assertTrue(FaultInjectingProxy.readHead(in).startsWith("HTTP/1.1 200 OK"));
                assertEquals("ok", new String(in.readNBytes(2), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("GET /b/k0 HTTP/1.1", "GET /b/k1 HTTP/1.1"), proxy.requests());
    }

    /**
     * The exchange that hung {@code S3CheckpointStoreTest} for its attempt timeout: a {@code
     * PutObject} answered with Jetty's {@code 500}. The store fails with the server's status, after
     * the SDK's retries, as it does straight to the server.
     */
    @Test
    void theStoreGetsTheServersErrorThroughTheProxyAsItDoesStraight() throws IOException {
        proxyInFrontOf(JETTY_500);
        for (URI endpoint : List.of(proxy.endpoint(), server.endpoint())) {
            int before = server.bodyLengths().size();
            long start = System.nanoTime();
            try (S3CheckpointStore store =
                    S3CheckpointStore.open(
                            "s3://bucket/runs/a",
                            LoopbackS3Server.options(endpoint)
                                    .optMaxAttempts(2)
                                    .optAttemptTimeout(Duration.ofMillis(PATIENCE_MS))
                                    .build())) {
                IOException thrown =
                        assertThrows(
                                IOException.class,
                                () ->
                                        store.write(
                                                "small.odc",
                                                c -> c.write(ByteBuffer.wrap(new byte[1000]))));
                assertTrue(thrown.getMessage().contains("500"), thrown.getMessage());
            }
            assertEquals(List.of(1000, 1000), server.bodyLengths().subList(before, before + 2));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < PATIENCE_MS, endpoint + ": " + ms + " ms");
        }
    }

    private static Socket connect(URI endpoint) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), endpoint.getPort());
        socket.setSoTimeout(PATIENCE_MS);
        return socket;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads each request on a connection of its own, answers it with fixed bytes and ends the
     * connection.
     */
    private static final class CannedServer implements AutoCloseable {

        private final ServerSocket socket;
        private final byte[] answer;
        private final List<Integer> bodyLengths = new CopyOnWriteArrayList<>();

        CannedServer(String answer) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.answer = answer.getBytes(StandardCharsets.ISO_8859_1);
            Thread acceptor = new Thread(this::serve, "canned-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + port());
        }

        /** The length of each request body read, in order. */
        List<Integer> bodyLengths() {
            return List.copyOf(bodyLengths);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connection.setSoTimeout(PATIENCE_MS);
                    InputStream in = connection.getInputStream();
                    OutputStream out = connection.getOutputStream();
                    String head = FaultInjectingProxy.readHead(in);
                    if (head.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue")) {
                        out.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
                        out.flush();
                    }
                    bodyLengths.add(
                            in.readNBytes(
                                            (int)
                                                    Math.max(
                                                            0,
                                                            FaultInjectingProxy.contentLength(
                                                                    head)))
                                    .length);
                    out.write(answer);
                    out.flush();
                    connection.shutdownOutput();
                } catch (IOException e) {
                    // closed, or a client that went away: the test sees it
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
