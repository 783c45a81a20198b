/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 between an S3 client and a server on another loopback port, which
 * answers chosen requests with a fault instead of (or in the middle of) the server's answer. Each
 * request is relayed over a fresh connection to the server; the client may keep its connection,
 * unless the server ended its own after the answer, and gets each answer with a {@code
 * Content-Length}.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** What happens to a matched request. */
    public enum Fault {
        /** Answered {@code 503 Slow Down} without reaching the server. */
        SERVICE_UNAVAILABLE,
        /** Answered {@code 500 Internal Error} without reaching the server. */
        INTERNAL_ERROR,
        /** The connection is reset after half of the request body. */
        DROP_REQUEST_BODY,
        /** Relayed; the connection is reset after half of the response body. */
        DROP_RESPONSE_BODY,
        /** Read, then never answered until the client gives up. */
        STALL,
        /** Relayed with one byte of the request body flipped. */
        CORRUPT_REQUEST_BODY,
        /**
         * Answered {@code 500} without reaching the server, with {@code Connection: close} and no
         * length (as Jetty answers when its handler fails), then held open until the client gives
         * up: the client reads the answer's body until its attempt timeout.
         */
        STALL_ANSWER_WITHOUT_LENGTH
    }

    private record Rule(Predicate<String> matches, Fault fault, AtomicInteger left) {}

    private final int upstreamPort;
    private final ServerSocket server;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FaultInjectingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy in front of a server on 127.0.0.1.
     *
     * @param upstreamPort the server's port
     * @return the running proxy
     * @throws IOException if no port can be bound
     */
    public static FaultInjectingProxy start(int upstreamPort) throws IOException {
        return new FaultInjectingProxy(upstreamPort);
    }

    /** The endpoint clients use. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /**
     * Applies a fault to the next {@code times} requests whose request line matches.
     *
     * @param requestLine matches the request line, such as {@code PUT /bucket/key?partNumber=2
     *     HTTP/1.1}
     * @param fault the fault
     * @param times how many requests get it
     */
    public void inject(Predicate<String> requestLine, Fault fault, int times) {
        rules.add(new Rule(requestLine, fault, new AtomicInteger(times)));
    }

    /** The number of faults applied so far. */
    public int faultsInjected() {
        return injected.get();
    }

    /** The request lines seen so far. */
    public List<String> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread handler = new Thread(() -> serve(client), "fault-proxy-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String line = head.substring(0, head.indexOf("\r\n"));
                requests.add(line);
                Fault fault = faultFor(line);
                long length = Math.max(0, contentLength(head)); // a request without one has no body
                if (head.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                if (fault == Fault.DROP_REQUEST_BODY) {
                    in.readNBytes((int) (length / 2));
                    reset(client);
                    return;
                }
                byte[] body = in.readNBytes((int) length);
                if (body.length < length) {
                    return;
                }
                if (fault == Fault.STALL_ANSWER_WITHOUT_LENGTH) {
                    out.write(
                            "HTTP/1.1 500 Server Error\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    while (in.read() >= 0) {
                        // hold the answer until the client hangs up
                    }
                    return;
                }
                if (fault == Fault.SERVICE_UNAVAILABLE || fault == Fault.INTERNAL_ERROR) {
                    error(out, fault == Fault.SERVICE_UNAVAILABLE ? 503 : 500);
                    continue;
                }
                if (fault == Fault.STALL) {
                    while (in.read() >= 0) {
                        // hold the request until the client hangs up
                    }
                    return;
                }
                if (fault == Fault.CORRUPT_REQUEST_BODY && body.length > 0) {
                    body[payloadByte(body)] ^= 0x01;
                }
                if (!relay(head, body, line.startsWith("HEAD "), out, fault, client)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client or the server went away
        }
    }

    private Fault faultFor(String line) {
        for (Rule rule : rules) {
            if (rule.matches().test(line) && rule.left().getAndDecrement() > 0) {
                injected.incrementAndGet();
                return rule.fault();
            }
        }
        return null;
    }

    /**
     * Relays one request and the server's answer to it; false when the client connection is to be
     * closed: reset by a fault, or ended as the server ended its own.
     *
     * <p>The answer goes to the client framed by a {@code Content-Length}, whatever framing the
     * server chose (RFC 9112, section 6.3): chunks are joined, and an answer with neither a length
     * nor chunks, whose body runs to the end of the server's connection (as Jetty's {@code 500} for
     * a handler that failed, with {@code Connection: close}), is read to that end. Relayed without
     * a length on a connection the proxy kept open, the client would wait for the end of a body
     * that never comes.
     */
    private boolean relay(
            String head, byte[] body, boolean isHead, OutputStream out, Fault fault, Socket client)
            throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            OutputStream up = upstream.getOutputStream();
            up.write(head.getBytes(StandardCharsets.ISO_8859_1));
            up.write(body);
            up.flush();
            InputStream down = upstream.getInputStream();
            String responseHead;
            do {
                responseHead = readHead(down);
                if (responseHead == null) {
                    throw new IOException("The server closed the connection");
                }
            } while (responseHead.startsWith("HTTP/1.1 1")); // interim: 100 Continue
            int status = Integer.parseInt(responseHead.substring(9, 12));
            boolean keepAlive = !hasHeader(responseHead, "connection", "close");
            byte[] responseBody;
            if (isHead || status == 204 || status == 304) {
                responseBody = new byte[0];
            } else if (hasHeader(responseHead, "transfer-encoding", "chunked")) {
                responseBody = dechunk(down);
                responseHead =
                        withContentLength(
                                responseHead.replaceAll("(?i)\r\ntransfer-encoding: chunked", ""),
                                responseBody.length);
            } else if (contentLength(responseHead) >= 0) {
                long length = contentLength(responseHead);
                responseBody = down.readNBytes((int) length);
                // a server that ended short: the client sees the same end, not a wait
                keepAlive &= responseBody.length == length;
            } else {
                responseBody = down.readAllBytes();
                responseHead = withContentLength(responseHead, responseBody.length);
                keepAlive = false;
            }
            out.write(responseHead.getBytes(StandardCharsets.ISO_8859_1));
            if (fault == Fault.DROP_RESPONSE_BODY) {
                out.write(responseBody, 0, responseBody.length / 2);
                out.flush();
                reset(client);
                return false;
            }
            out.write(responseBody);
            out.flush();
            return keepAlive;
        }
    }

    private static String withContentLength(String head, long length) {
        return head.substring(0, head.length() - 2) + "Content-Length: " + length + "\r\n\r\n";
    }

    /** Whether a head has a header whose comma-separated values include a value. */
    private static boolean hasHeader(String head, String name, String value) {
        for (String header : head.split("\r\n")) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase(name)) {
                for (String v : header.substring(colon + 1).split(",")) {
                    if (v.trim().equalsIgnoreCase(value)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Picks a byte of payload to corrupt: past the first chunk header when the SDK signs the body
     * in {@code aws-chunked} form over plain HTTP, so the chunk framing stays intact.
     */
    private static int payloadByte(byte[] body) {
        String start = new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1);
        int header = start.contains(";chunk-signature=") ? start.indexOf("\r\n") + 2 : 0;
        return Math.min(body.length - 1, header + 10);
    }

    private static void error(OutputStream out, int status) throws IOException {
        out.write(errorAnswer(status));
        out.flush();
    }

    /** An S3 error answer, head and XML body. */
    private static byte[] errorAnswer(int status) {
        String code = status == 503 ? "SlowDown" : "InternalError";
        String xml =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                        + code
                        + "</Code><Message>injected</Message></Error>";
        String head =
                "HTTP/1.1 "
                        + status
                        + " "
                        + code
                        + "\r\nContent-Type: application/xml\r\nContent-Length: "
                        + xml.getBytes(StandardCharsets.UTF_8).length
                        + "\r\n\r\n";
        return (head + xml).getBytes(StandardCharsets.UTF_8);
    }

    private static void reset(Socket socket) throws IOException {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already gone
        }
        socket.close();
    }

    /**
     * Reads an HTTP head, through its blank line.
     *
     * @return the head, or {@code null} if the connection ends first
     */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = 0;
        while (last != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            last = (last << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The {@code Content-Length} of a head; -1 when it has none. */
    static long contentLength(String head) {
        for (String header : head.split("\r\n")) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return Long.parseLong(header.substring(colon + 1).trim());
            }
        }
        return -1;
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
