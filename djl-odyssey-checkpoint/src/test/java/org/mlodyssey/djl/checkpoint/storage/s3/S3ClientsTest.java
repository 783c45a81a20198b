/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** The client {@link S3Clients} builds, against a server on a raw socket. */
class S3ClientsTest {

    private static final String OK =
            "HTTP/1.1 200 OK\r\n"
                    + "ETag: \"d41d8cd98f00b204e9800998ecf8427e\"\r\n"
                    + "Content-Length: 0\r\n\r\n";

    private KeepAliveServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /**
     * An empty object goes up without {@code Expect: 100-continue}, a non-empty one with it. With
     * the expectation on the empty one, a server that sends {@code 100 Continue} and its final
     * answer in one write (as S3Proxy's Jetty does at times, nothing being left to wait for) left
     * the JDK's connection waiting for the final answer it had already read, until the attempt
     * timeout; against S3Proxy, until Jetty closed the idle connection 30 s later.
     */
    @Test
    void anEmptyUploadExpectsNo100AndGetsItsAnswerAtOnce() throws IOException {
        server = new KeepAliveServer();
        try (S3CheckpointStore store =
                S3CheckpointStore.open(
                        "s3://bucket/runs/a",
                        LoopbackS3Server.options(server.endpoint())
                                .optMaxAttempts(1)
                                .optAttemptTimeout(Duration.ofSeconds(10))
                                .build())) {
            store.write("empty", channel -> {});
            store.write("ten", channel -> channel.write(ByteBuffer.wrap(new byte[10])));
            store.write("empty-again", channel -> {});
        }
        assertEquals(
                List.of(
                        "PUT /bucket/runs/a/empty HTTP/1.1 expect=false",
                        "PUT /bucket/runs/a/ten HTTP/1.1 expect=true",
                        "PUT /bucket/runs/a/empty-again HTTP/1.1 expect=false"),
                server.requests());
    }

    /**
     * Answers every PUT with {@code 200} on a connection it keeps: after {@code 100 Continue} and
     * the body where the request expects a 100 and has content, in the same write as {@code 100
     * Continue} where it expects one and has none.
     */
    private static final class KeepAliveServer implements AutoCloseable {

        private final ServerSocket socket;
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> connections = new CopyOnWriteArrayList<>();

        KeepAliveServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "keep-alive-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        /** Each request line, with whether it expected a 100. */
        List<String> requests() {
            return List.copyOf(requests);
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections.add(connection);
                    Thread handler = new Thread(() -> serve(connection), "keep-alive-conn");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                while (true) {
                    String head = FaultInjectingProxy.readHead(in);
                    if (head == null) {
                        return;
                    }
                    boolean expect =
                            head.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue");
                    requests.add(head.substring(0, head.indexOf("\r\n")) + " expect=" + expect);
                    int length = (int) Math.max(0, FaultInjectingProxy.contentLength(head));
                    String answer = OK;
                    if (expect && length == 0) {
                        answer = "HTTP/1.1 100 Continue\r\n\r\n" + OK;
                    } else if (expect) {
                        out.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
                        out.flush();
                    }
                    in.readNBytes(length);
                    out.write(ascii(answer));
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away, or the test closed the server
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : connections) {
                connection.close();
            }
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
