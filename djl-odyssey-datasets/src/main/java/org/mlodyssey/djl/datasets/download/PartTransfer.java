/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import ai.djl.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Transfers the bytes of a {@link RemoteFile} over HTTP into its {@code .part} file, for {@link
 * FileDownloader}: resumes the {@code .part} file with a {@code Range} request, restarts it when
 * the server ignores the range, and handles 416 (range not satisfiable). It neither verifies nor
 * places the file; a failure that may pass is thrown as {@link RetryableFailure}.
 */
final class PartTransfer {

    /** HTTP 416: the requested range starts at or after the end of the file. */
    private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;

    /** How a transfer ended. */
    enum Outcome {
        /** Nothing was transferred: the partial file was already complete. */
        NONE,
        /** The server sent all the bytes its Content-Length announced. */
        COMPLETE,
        /** The server announced no length; the stream ended. */
        UNANNOUNCED,
        /** The stream ended before the announced length. */
        CUT
    }

    private final Duration timeout;
    private final HttpClient client;

    /**
     * Creates a transfer over HTTP/1.1 that follows redirects except from https to http.
     *
     * @param timeout how long connecting, waiting for the answer, or waiting for the next bytes may
     *     take; positive
     */
    PartTransfer(Duration timeout) {
        this.timeout = timeout;
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
    }

    /**
     * Transfers the bytes and says whether the server sent all it announced.
     *
     * @param remote the file to download
     * @param part the {@code .part} file
     * @param have how many bytes the {@code .part} file already holds
     * @param progress receives the progress in bytes, or {@code null}
     * @return how the transfer ended
     * @throws DownloadException if the server answers a status that is not retried, or the {@code
     *     .part} file cannot be written
     * @throws IOException if the {@code .part} file cannot be read or deleted, or the thread is
     *     interrupted
     * @throws RetryableFailure if the failure may pass
     */
    Outcome transfer(RemoteFile remote, Path part, long have, Progress progress)
            throws IOException, RetryableFailure {
        HttpResponse<InputStream> response = send(remote, have);
        int status = response.statusCode();
        if (status == HTTP_RANGE_NOT_SATISFIABLE && have > 0) {
            // the .part file already holds the whole file (when the size is not published, a
            // process stopped between the transfer and the rename leaves it so), or it is longer
            // than the file: keep it if it is the file, otherwise start again
            response.body().close();
            if (FileDownloader.md5(part).equals(remote.getMd5())) {
                return Outcome.NONE;
            }
            Files.delete(part);
            return transfer(remote, part, 0, progress);
        }
        try (InputStream in = response.body()) {
            boolean append = status == 206 && have > 0 && rangeStartsAt(response, have);
            if (!append && status != 200) {
                DownloadException e =
                        new DownloadException(
                                DownloadException.Kind.HTTP_STATUS,
                                "the server answered HTTP " + status + " for " + remote.getUrl(),
                                null);
                if (status == 408 || status == 429 || status >= 500) {
                    throw new RetryableFailure(e);
                }
                throw e;
            }
            long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            long start = append ? have : 0;
            long total = remote.getSize() >= 0 ? remote.getSize() : start + Math.max(0, announced);
            if (progress != null) {
                progress.reset("Downloading " + remote.getFileName(), total);
                progress.start(start);
            }
            long received = start;
            try (StallWatch watch = new StallWatch(in, timeout);
                    OutputStream out = openPart(part, append)) {
                byte[] buffer = new byte[FileDownloader.BUFFER_SIZE];
                int n;
                while ((n = readFromServer(in, buffer, remote, part, received)) >= 0) {
                    watch.progressed();
                    writeToPart(out, buffer, n, part);
                    received += n;
                    if (progress != null) {
                        progress.increment(n);
                    }
                }
            } finally {
                if (progress != null) {
                    progress.end();
                }
            }
            if (announced < 0) {
                return Outcome.UNANNOUNCED;
            }
            return received - start == announced ? Outcome.COMPLETE : Outcome.CUT;
        }
    }

    /** Sends the request; no connection or no answer in time may pass, so it is retried. */
    private HttpResponse<InputStream> send(RemoteFile remote, long have)
            throws IOException, RetryableFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(remote.getUrl()).timeout(timeout);
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        try {
            return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + remote.getUrl());
        } catch (IOException e) {
            throw new RetryableFailure(e);
        }
    }

    private static OutputStream openPart(Path part, boolean append) throws DownloadException {
        try {
            return append
                    ? Files.newOutputStream(part, StandardOpenOption.APPEND)
                    : Files.newOutputStream(part);
        } catch (IOException e) {
            throw localFailure("cannot open " + part + " for writing", e);
        }
    }

    private static int readFromServer(
            InputStream in, byte[] buffer, RemoteFile remote, Path part, long received)
            throws RetryableFailure {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new RetryableFailure(
                    new DownloadException(
                            DownloadException.Kind.TRUNCATED,
                            "the transfer of "
                                    + remote.getUrl()
                                    + " was cut after "
                                    + received
                                    + " bytes; "
                                    + part
                                    + " is kept and the next attempt resumes it",
                            e));
        }
    }

    private static void writeToPart(OutputStream out, byte[] buffer, int n, Path part)
            throws DownloadException {
        try {
            out.write(buffer, 0, n);
        } catch (IOException e) {
            throw localFailure("cannot write to " + part + " (is the disk full?)", e);
        }
    }

    private static DownloadException localFailure(String what, IOException cause) {
        return new DownloadException(DownloadException.Kind.LOCAL_IO, what + ": " + cause, cause);
    }

    private static boolean rangeStartsAt(HttpResponse<?> response, long offset) {
        String range = response.headers().firstValue("Content-Range").orElse(null);
        return range != null && range.trim().startsWith("bytes " + offset + "-");
    }
}
