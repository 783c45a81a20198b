/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP relay on 127.0.0.1 in front of a local server that carries at most a given number of bytes
 * per second in each direction: shared by all connections (a slow network link), or for each
 * connection on its own (a store such as AWS S3 that limits each connection's throughput, so that
 * parallel connections add up), for benchmarks.
 */
final class ThrottlingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final long bytesPerSecond;
    private final boolean perConnection;
    private final Link upstream;
    private final Link downstream;
    private final Thread acceptor;

    /**
     * One direction's budget: bytes may pass when the link's clock allows. A sleep that overshoots
     * (a loaded machine wakes late) is made up by the next bytes, within {@link #CATCH_UP_NANOS},
     * so that the link carries its rate rather than less.
     */
    private static final class Link {
        private static final long CATCH_UP_NANOS = 20_000_000L;
        private final long bytesPerSecond;
        private long nextFree = System.nanoTime();

        Link(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        /** Reserves {@code n} bytes of the link and waits until they have passed. */
        void pass(int n) throws InterruptedIOException {
            long due;
            synchronized (this) {
                nextFree =
                        Math.max(nextFree, System.nanoTime() - CATCH_UP_NANOS)
                                + n * 1_000_000_000L / bytesPerSecond;
                due = nextFree;
            }
            sleepUntil(due);
        }
    }

    /**
     * Sleeps until a time of {@link System#nanoTime()}; returns at once if it has passed.
     *
     * @param due the time
     * @throws InterruptedIOException if the thread is interrupted
     */
    static void sleepUntil(long due) throws InterruptedIOException {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    /**
     * Starts a relay to a port of 127.0.0.1 whose limit all connections share.
     *
     * @param targetPort the server's port
     * @param bytesPerSecond the most bytes per second in each direction
     * @throws IOException if no port can be opened
     */
    ThrottlingProxy(int targetPort, long bytesPerSecond) throws IOException {
        this(targetPort, bytesPerSecond, false);
    }

    /**
     * Starts a relay to a port of 127.0.0.1.
     *
     * @param targetPort the server's port
     * @param bytesPerSecond the most bytes per second in each direction
     * @param perConnection whether each connection has the limit to itself, rather than all
     *     connections sharing it
     * @throws IOException if no port can be opened
     */
    ThrottlingProxy(int targetPort, long bytesPerSecond, boolean perConnection) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.perConnection = perConnection;
        this.upstream = new Link(bytesPerSecond);
        this.downstream = new Link(bytesPerSecond);
        this.acceptor = new Thread(this::accept, "throttling-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Returns the relay's endpoint.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                pump(client, target, perConnection ? new Link(bytesPerSecond) : upstream);
                pump(target, client, perConnection ? new Link(bytesPerSecond) : downstream);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pump(Socket from, Socket to, Link link) {
        Thread thread =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16 << 10];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int n;
                                while ((n = in.read(buffer)) >= 0) {
                                    link.pass(n);
                                    out.write(buffer, 0, n);
                                }
                            } catch (IOException e) {
                                // the other side closed: close both
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                            }
                        },
                        "throttling-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /** Stops accepting connections. */
    @Override
    public void close() throws IOException {
        server.close();
    }
}
