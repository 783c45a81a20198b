/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.StoreLease;
import org.mlodyssey.djl.checkpoint.storage.StoreLockedException;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's lock of a directory of checkpoints: the file {@code .lock}, locked with the
 * operating system's file lock while a run writes into the directory, naming the run's process.
 *
 * <p>The operating system drops the file lock when the process ends, however it ends, so a lock
 * left by a killed run is free: the next run takes it over and logs a warning naming the process
 * the file still names. Within one process, a second lock of the same directory (another listener)
 * is refused as well.
 *
 * <p>A store without file locks (a bucket) is locked with a {@link StoreLease} instead: an object
 * {@code .lock} naming the holder and an expiry, renewed in the background. A killed run's lease,
 * which nobody renews, is waited out and taken over when it expires (at most one lease when both
 * runs use the same one; one whose expiry lies more than twice the lease ahead is refused at once).
 */
public final class DirectoryLock implements AutoCloseable {

    /** The lock file's name in the directory of checkpoints. */
    public static final String FILE_NAME = ".lock";

    /** The longest wait before a new lease is read back. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private static final Logger logger = LoggerFactory.getLogger(DirectoryLock.class);

    /** The directories locked by this process. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;
    private final StoreLease lease;
    private boolean released;

    private DirectoryLock(Path root, FileChannel channel, FileLock lock, StoreLease lease) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
        this.lease = lease;
    }

    /**
     * Locks a store of checkpoints that cannot lock a file (a bucket) with a {@link StoreLease} on
     * the object {@code .lock}, renewed in the background while the run lives.
     *
     * @param store the store
     * @param root names the store in messages and identifies it within this process
     * @param duration how long the lease lasts without renewal: a killed run's lease is waited out,
     *     at most this long when it was written with the same duration and never more than twice it
     *     (one expiring further ahead is refused at once)
     * @return the lock; close it to release
     * @throws CheckpointDirectoryLockedException if another run holds the lease
     * @throws IOException if the store fails
     */
    public static DirectoryLock acquire(CheckpointStore store, Path root, Duration duration)
            throws IOException {
        long pid = ProcessHandle.current().pid();
        if (!HELD.add(root)) {
            throw new CheckpointDirectoryLockedException(
                    root, "another checkpoint listener of this process, pid " + pid);
        }
        try {
            Duration settle =
                    duration.dividedBy(20).compareTo(SETTLE) < 0 ? duration.dividedBy(20) : SETTLE;
            StoreLease lease = StoreLease.acquire(store, FILE_NAME, duration, settle);
            abortUnfinishedWrites(store);
            return new DirectoryLock(root, null, null, lease);
        } catch (StoreLockedException e) {
            HELD.remove(root);
            throw new CheckpointDirectoryLockedException(root, e.getMessage());
        } catch (IOException | RuntimeException e) {
            HELD.remove(root);
            throw e;
        }
    }

    /**
     * Aborts the uploads a killed run left under the store's root, now that this run holds the
     * lease and no live writer of the location can be uploading. A failure is logged, not thrown:
     * the uploads stay until the next run or the bucket's lifecycle rule frees them.
     */
    private static void abortUnfinishedWrites(CheckpointStore store) {
        try {
            List<String> aborted = store.abortUnfinishedWrites("");
            if (!aborted.isEmpty()) {
                logger.warn(
                        "Aborted {} unfinished upload(s) an earlier run left in {}: {}",
                        aborted.size(),
                        store.location(),
                        aborted);
            }
        } catch (IOException | RuntimeException e) {
            logger.warn(
                    "Could not abort the unfinished uploads in {}: {}",
                    store.location(),
                    e.toString());
        }
    }

    /**
     * Locks a directory of checkpoints, creating it if absent.
     *
     * @param root the directory, absolute and normalized
     * @return the lock; close it to release
     * @throws CheckpointDirectoryLockedException if another run holds the lock
     * @throws IOException if the lock file cannot be created, read or written
     */
    public static DirectoryLock acquire(Path root) throws IOException {
        long pid = ProcessHandle.current().pid();
        if (!HELD.add(root)) {
            throw new CheckpointDirectoryLockedException(
                    root, "another checkpoint listener of this process, pid " + pid);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel =
                    FileChannel.open(
                            root.resolve(FILE_NAME),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            String previous = read(channel);
            if (lock == null) {
                throw new CheckpointDirectoryLockedException(
                        root, previous.isEmpty() ? "a process that wrote no name" : previous);
            }
            if (!previous.isEmpty()) {
                logger.warn(
                        "Taking over the lock of {} left by {}, which no longer holds it (the"
                                + " process ended without releasing it)",
                        root,
                        previous);
            }
            byte[] me =
                    ("pid " + pid + " on " + hostName() + " since " + Instant.now() + "\n")
                            .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me), 0);
            channel.force(true);
            return new DirectoryLock(root, channel, lock, null);
        } catch (IOException | RuntimeException e) {
            HELD.remove(root);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Reads the lock file's line: who holds or held the lock, or empty. */
    private static String read(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read on
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unknown host";
        }
    }

    /** Empties the lock file and releases the lock; releasing again has no effect. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        if (lease != null) {
            try {
                lease.close();
            } catch (IOException e) {
                logger.warn("Could not release the lease of {} cleanly: {}", root, e.toString());
            } finally {
                HELD.remove(root);
            }
            return;
        }
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            logger.warn("Could not release the lock of {} cleanly: {}", root, e.toString());
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                logger.warn("Could not close the lock file of {}: {}", root, e.toString());
            }
            HELD.remove(root);
        }
    }
}
