/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import ai.djl.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
 * <p>Requests go through {@link java.net.http.HttpClient} (HTTP/1.1, redirects followed except from
 * https to http). A failure that may pass is retried a bounded number of times with exponential
 * backoff: no connection, no answer in time, HTTP 408, 429 and 5xx, and a transfer that was cut
 * (the retry resumes the {@code .part} file). A wrong checksum, another HTTP status, a local
 * failure and a download in progress are not retried. The last attempt's failure is thrown.
 */
public final class FileDownloader {

    /** The size of the buffers that copy and checksum bytes. */
    static final int BUFFER_SIZE = 1 << 16;

    /** Attempts of the default downloader: the first and three retries. */
    public static final int DEFAULT_ATTEMPTS = 4;

    /** The wait before the default downloader's first retry; it doubles for each next one. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

    private final int attempts;
    private final Duration backoff;
    private final PartTransfer transfer;

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
        this.attempts = attempts;
        this.backoff = backoff;
        this.transfer =
                new PartTransfer(
                        timeout.isZero() || timeout.isNegative() ? Duration.ofMillis(1) : timeout);
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

    private void downloadWithRetries(RemoteFile remote, Path target, Path part, Progress progress)
            throws IOException {
        Duration wait = backoff;
        for (int attempt = 1; ; attempt++) {
            try {
                downloadLocked(remote, target, part, progress);
                return;
            } catch (RetryableFailure e) {
                if (attempt >= attempts) {
                    throw e.failure();
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
        PartTransfer.Outcome outcome = PartTransfer.Outcome.NONE;
        if (expected < 0 || have < expected) {
            outcome = transfer.transfer(remote, part, have, progress);
        }
        long got = Files.size(part);
        if (outcome == PartTransfer.Outcome.CUT
                || (outcome == PartTransfer.Outcome.UNANNOUNCED
                        && expected >= 0
                        && got < expected)) {
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
