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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads a {@link RemoteFile} into a local file, resuming partial downloads, verifying size and
 * MD5, and placing the file atomically.
 *
 * <p>Bytes go to {@code <target>.part} next to the target. When a {@code .part} file is already
 * there, the download resumes it with an HTTP {@code Range} request; a server that ignores the
 * range (status 200) restarts it from the beginning; a server that answers 416 (range not
 * satisfiable: the {@code .part} file already holds the whole file, as when the size is not
 * published and a process stopped between the transfer and the rename) has the {@code .part} file
 * kept if its MD5 is the published one, otherwise restarted from zero. A transfer that is cut keeps
 * the {@code .part} file for the next attempt ({@link DownloadException.Kind#TRUNCATED}); a local
 * file that cannot be written, as on a full disk, is {@link DownloadException.Kind#LOCAL_IO}. A
 * download holds an exclusive lock on {@code <target>.part.lock} while it uses the {@code .part}
 * file; a second download into the same file, from this or another process, fails at once with
 * {@link DownloadException.Kind#IN_PROGRESS} rather than writing the same {@code .part} file. Once
 * all bytes are there, the size and MD5 are checked: on a mismatch the {@code .part} file is
 * deleted; on success it is moved onto the target in one atomic rename, so the target either does
 * not exist or is complete and verified.
 *
 * <p>Requests go through {@link HttpClient} (HTTP/1.1, redirects followed except from https to
 * http). A failure that may pass is retried a bounded number of times with exponential backoff: no
 * connection, no answer in time, HTTP 408, 429 and 5xx, and a transfer that was cut (the retry
 * resumes the {@code .part} file). A wrong checksum, another HTTP status, a local failure and a
 * download in progress are not retried. The last attempt's failure is thrown.
 */
public final class FileDownloader {

    private static final int BUFFER_SIZE = 1 << 16;

    /** HTTP 416: the requested range starts at or after the end of the file. */
    private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;

    /** Attempts of the default downloader: the first and three retries. */
    public static final int DEFAULT_ATTEMPTS = 4;

    /** The wait before the default downloader's first retry; it doubles for each next one. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

    private final Duration timeout;
    private final int attempts;
    private final Duration backoff;
    private final HttpClient client;

    /**
     * Creates a downloader that gives up an attempt when connecting, the answer or the next bytes
     * take 60 seconds, and makes {@value #DEFAULT_ATTEMPTS} attempts.
     */
    public FileDownloader() {
        this(Duration.ofSeconds(60));
    }

    /**
     * Creates a downloader with a given timeout and the default retries.
     *
     * @param timeout how long connecting, waiting for the answer, or waiting for the next bytes may
     *     take
     */
    public FileDownloader(Duration timeout) {
        this(timeout, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF);
    }

    /**
     * Creates a downloader with a given timeout and retries.
     *
     * @param timeout how long connecting, waiting for the answer, or waiting for the next bytes may
     *     take
     * @param attempts how many attempts a download makes, at least 1 (1: no retry)
     * @param backoff the wait before the first retry; it doubles for each next one
     * @throws IllegalArgumentException if attempts is below 1 or the backoff is negative
     */
    public FileDownloader(Duration timeout, int attempts, Duration backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative, got " + backoff);
        }
        this.timeout = timeout.isZero() || timeout.isNegative() ? Duration.ofMillis(1) : timeout;
        this.attempts = attempts;
        this.backoff = backoff;
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(this.timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
    }

    /**
     * Downloads a file unless the target already exists.
     *
     * @param remote the file to download
     * @param target where to place it
     * @param progress receives the progress in bytes, or {@code null}
     * @throws DownloadException if the server fails, the transfer is cut, the checksum is wrong,
     *     the {@code .part} file cannot be written, or another download into it is running
     * @throws IOException if the target's directory cannot be created
     */
    public void download(RemoteFile remote, Path target, Progress progress) throws IOException {
        if (Files.isRegularFile(target)) {
            return;
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path part = dir.resolve(target.getFileName() + ".part");
        Path lockFile = dir.resolve(target.getFileName() + ".part.lock");
        try (FileChannel lockChannel =
                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(lockChannel, lockFile, part);
            try {
                // another download may have placed the file while this one waited for the lock
                if (Files.isRegularFile(target)) {
                    return;
                }
                downloadWithRetries(remote, target, part, progress);
            } finally {
                lock.release();
            }
        }
        // removed only once the target exists: whoever gets a lock on this file or a new one
        // afterwards finds the target and returns
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            // a leftover lock file is harmless (another process may hold it open); the download
            // itself succeeded
        }
    }

    private static FileLock tryLock(FileChannel channel, Path lockFile, Path part)
            throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another thread of this process
        }
        if (lock == null) {
            throw new DownloadException(
                    DownloadException.Kind.IN_PROGRESS,
                    "another download into "
                            + part
                            + " is running (it holds the lock on "
                            + lockFile
                            + "); wait for it to finish and try again",
                    null);
        }
        return lock;
    }

    /** A failure that may pass: the download is attempted again while attempts are left. */
    private static final class RetryableFailure extends Exception {
        private static final long serialVersionUID = 1L;

        private final IOException failure;

        RetryableFailure(IOException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private void downloadWithRetries(RemoteFile remote, Path target, Path part, Progress progress)
            throws IOException {
        Duration wait = backoff;
        for (int attempt = 1; ; attempt++) {
            try {
                downloadLocked(remote, target, part, progress);
                return;
            } catch (RetryableFailure e) {
                if (attempt >= attempts) {
                    throw e.failure;
                }
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to retry " + remote);
            }
            wait = wait.multipliedBy(2);
        }
    }

    private void downloadLocked(RemoteFile remote, Path target, Path part, Progress progress)
            throws IOException, RetryableFailure {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        long expected = remote.getSize();
        if (expected >= 0 && have > expected) {
            Files.delete(part);
            have = 0;
        }
        Transfer transfer = Transfer.NONE;
        if (expected < 0 || have < expected) {
            transfer = transfer(remote, part, have, progress);
        }
        long got = Files.size(part);
        if (transfer == Transfer.CUT
                || (transfer == Transfer.UNANNOUNCED && expected >= 0 && got < expected)) {
            throw new RetryableFailure(
                    new DownloadException(
                            DownloadException.Kind.TRUNCATED,
                            "the transfer of "
                                    + remote.getUrl()
                                    + " ended after "
                                    + got
                                    + " bytes, short of what the server or the publisher"
                                    + " announced; "
                                    + part
                                    + " is kept and the next attempt resumes it",
                            null));
        }
        String md5 = md5(part);
        if ((expected >= 0 && got != expected) || !md5.equals(remote.getMd5())) {
            Files.delete(part);
            throw new DownloadException(
                    DownloadException.Kind.CHECKSUM_MISMATCH,
                    "the file downloaded from "
                            + remote.getUrl()
                            + " has "
                            + got
                            + " bytes and MD5 "
                            + md5
                            + ", expected "
                            + (expected >= 0 ? expected + " bytes and " : "")
                            + "MD5 "
                            + remote.getMd5()
                            + "; the download is discarded",
                    null);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** How a transfer ended. */
    private enum Transfer {
        /** Nothing was transferred: the partial file was already complete. */
        NONE,
        /** The server sent all the bytes its Content-Length announced. */
        COMPLETE,
        /** The server announced no length; the stream ended. */
        UNANNOUNCED,
        /** The stream ended before the announced length. */
        CUT
    }

    /** Transfers the bytes and says whether the server sent all it announced. */
    private Transfer transfer(RemoteFile remote, Path part, long have, Progress progress)
            throws IOException, RetryableFailure {
        HttpResponse<InputStream> response = send(remote, have);
        int status = response.statusCode();
        if (status == HTTP_RANGE_NOT_SATISFIABLE && have > 0) {
            // the .part file already holds the whole file (when the size is not published, a
            // process stopped between the transfer and the rename leaves it so), or it is longer
            // than the file: keep it if it is the file, otherwise start again
            response.body().close();
            if (md5(part).equals(remote.getMd5())) {
                return Transfer.NONE;
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
                byte[] buffer = new byte[BUFFER_SIZE];
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
                return Transfer.UNANNOUNCED;
            }
            return received - start == announced ? Transfer.COMPLETE : Transfer.CUT;
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

    /**
     * Closes a response body that delivers no bytes for the timeout, so that the blocked read fails
     * (the HTTP client has a timeout for the answer, not for each read of the body).
     */
    private static final class StallWatch implements AutoCloseable {

        private static final ScheduledExecutorService TIMER =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "odyssey-download-stall-watch");
                            t.setDaemon(true);
                            return t;
                        });

        private final AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        private final ScheduledFuture<?> check;

        StallWatch(InputStream body, Duration timeout) {
            long limit = timeout.toNanos();
            long period = Math.max(1, timeout.toMillis() / 4);
            check =
                    TIMER.scheduleAtFixedRate(
                            () -> {
                                if (System.nanoTime() - lastProgress.get() > limit) {
                                    try {
                                        body.close();
                                    } catch (IOException e) {
                                        // the read fails either way
                                    }
                                }
                            },
                            period,
                            period,
                            TimeUnit.MILLISECONDS);
        }

        void progressed() {
            lastProgress.set(System.nanoTime());
        }

        /** {@inheritDoc} */
        @Override
        public void close() {
            check.cancel(false);
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

    /**
     * Computes the MD5 checksum of a file.
     *
     * @param file the file
     * @return the checksum in lower-case hexadecimal
     * @throws IOException if the file cannot be read
     */
    public static String md5(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
