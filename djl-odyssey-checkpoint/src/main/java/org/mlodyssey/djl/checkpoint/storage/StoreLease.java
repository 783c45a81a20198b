/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's claim on a store location, for stores that cannot create an object exclusively (S3 Proxy
 * does not enforce {@code If-None-Match: *}): a small lease object naming its holder and an expiry,
 * renewed in the background while the run lives.
 *
 * <p>Acquiring reads the object; a lease of another holder not yet expired is watched until it
 * expires: renewed meanwhile, it has a live holder and this run is refused; not renewed, its holder
 * is gone (killed) and the lease is taken over. A lease object whose text does not parse is not
 * this version's to judge: the run is refused, and the object left for a person to delete. Then the
 * object is written with this holder, and read back after a settle delay: if another run wrote in
 * between, the last writer wins (S3 is strongly consistent) and the loser is refused. A holder that
 * dies stops renewing and its lease expires. Expiry is compared with the wall clock, so hosts must
 * agree on the time to within the settle delay; the wait for a lease to expire is bounded by the
 * monotonic clock as well.
 */
public final class StoreLease implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(StoreLease.class);

    private final CheckpointStore store;
    private final String key;
    private final String owner;
    private final Duration lease;
    private final Clock clock;
    private final ScheduledExecutorService renewer;
    private volatile boolean lost;

    private StoreLease(
            CheckpointStore store, String key, String owner, Duration lease, Clock clock) {
        this.store = store;
        this.key = key;
        this.owner = owner;
        this.lease = lease;
        this.clock = clock;
        this.renewer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread thread = new Thread(r, "odyssey-lease-" + key);
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /**
     * Acquires the lease object at a key, renewing it every third of the lease until closed.
     *
     * @param store the store
     * @param key the lease object's key, such as {@code .lock}
     * @param lease how long a lease lasts without renewal, positive
     * @param settle how long to wait before reading the lease back, not negative
     * @return the held lease, to be closed
     * @throws StoreLockedException if another holder renews its lease while this run waits for it
     *     to expire (at most twice {@code lease}), its lease expires further ahead than that or its
     *     text does not parse, or another run won a race
     * @throws IllegalArgumentException if the lease is zero or negative, or the settle delay
     *     negative
     * @throws IOException if the store fails
     */
    public static StoreLease acquire(
            CheckpointStore store, String key, Duration lease, Duration settle) throws IOException {
        return acquire(store, key, lease, settle, Clock.systemUTC());
    }

    /**
     * Checks a lease duration, as every place that takes one does.
     *
     * @param lease the duration
     * @return the duration
     * @throws IllegalArgumentException if it is shorter than 1 ms (expiries are written in ms),
     *     zero or negative
     * @throws NullPointerException if it is null
     */
    public static Duration checkLease(Duration lease) {
        if (lease.isNegative() || lease.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "The lease must be at least 1 ms (its expiry is written in ms), got " + lease);
        }
        return lease;
    }

    static StoreLease acquire(
            CheckpointStore store, String key, Duration lease, Duration settle, Clock clock)
            throws IOException {
        checkLease(lease);
        if (settle.isNegative()) {
            throw new IllegalArgumentException(
                    "The settle delay must not be negative, got " + settle);
        }
        Optional<String> held = read(store, key);
        if (held.isPresent() && awaitExpiry(store, key, held.get(), lease, clock)) {
            logger.warn(
                    "Taking over the expired lease {} of {}: nobody renewed it",
                    store.locationOf(key),
                    describe(held.get()));
        }
        String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
        StoreLease taken = new StoreLease(store, key, owner, lease, clock);
        taken.writeLease();
        sleep(settle);
        Optional<String> now = read(store, key);
        if (now.isEmpty() || !owner.equals(ownerOf(now.get()))) {
            taken.renewer.shutdownNow();
            throw new StoreLockedException(
                    store.locationOf(key),
                    now.map(text -> describe(text) + ", written after this run's own")
                            .orElse("released meanwhile"));
        }
        long period = Math.max(1, lease.toMillis() / 3);
        taken.renewer.scheduleAtFixedRate(taken::renew, period, period, TimeUnit.MILLISECONDS);
        return taken;
    }

    /**
     * Waits for another holder's lease to expire, watching whether its holder renews it: a run
     * killed without closing leaves a lease that nobody renews, and the next run takes it over as
     * soon as it expires instead of being refused until then. A lease that is renewed (or taken by
     * a third run) while waited for has a live holder and refuses this run; one that expires
     * further ahead than twice this run's lease (another configuration, or a clock far off) is
     * refused at once, and so is a lease whose text does not parse (not this version's to judge).
     *
     * <p>The wall clock says when the lease expires; the monotonic clock bounds the wait by the
     * time the lease had left when first read, so a wall clock set back meanwhile cannot prolong
     * it: a lease nobody renewed for that long is expired however the clock reads.
     *
     * @return true if the lease expired unrenewed, false if its holder released it meanwhile
     */
    private static boolean awaitExpiry(
            CheckpointStore store, String key, String seen, Duration lease, Clock clock)
            throws IOException {
        OptionalLong expiry = expiresAt(seen);
        if (expiry.isEmpty()) {
            throw StoreLockedException.unreadable(store.locationOf(key), printable(seen));
        }
        long expires = expiry.getAsLong();
        long seenAt = clock.millis();
        if (expires <= seenAt) {
            return true; // checked first: expires - seenAt may overflow for a far past expiry
        }
        long ahead = expires - seenAt;
        if (ahead > 2 * lease.toMillis()) {
            throw new StoreLockedException(
                    store.locationOf(key),
                    describe(seen) + ", more than twice this run's lease of " + lease + " ahead");
        }
        if (ahead <= 0) {
            return true;
        }
        logger.info(
                "{} is held by {} ({} ms more): waiting to see whether its holder renews it",
                store.locationOf(key),
                describe(seen),
                ahead);
        long start = System.nanoTime();
        long poll = Math.min(1000, Math.max(50, lease.toMillis() / 6));
        while (clock.millis() < expires) {
            long left = ahead - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (left <= 0) {
                long behind = expires - clock.millis();
                if (behind > poll) {
                    logger.warn(
                            "{} went unrenewed for the {} ms it had left, yet by the wall clock it"
                                    + " expires in {} ms more: the clock was set back",
                            store.locationOf(key),
                            ahead,
                            behind);
                }
                return true;
            }
            long wallLeft = Math.max(1, expires - clock.millis());
            sleep(Duration.ofMillis(Math.min(poll, Math.min(wallLeft, left))));
            Optional<String> now = read(store, key);
            if (now.isEmpty()) {
                return false;
            }
            if (!now.get().equals(seen)) {
                throw new StoreLockedException(
                        store.locationOf(key),
                        describe(now.get())
                                + ", which renewed or took the lease while this run"
                                + " waited for it to expire");
            }
        }
        return true;
    }

    /**
     * Tells whether the lease was lost: another run took it over after it expired.
     *
     * @return true when lost
     */
    public boolean isLost() {
        return lost;
    }

    /** Stops renewing and deletes the lease object if it is still this holder's. */
    @Override
    public void close() throws IOException {
        renewer.shutdownNow();
        Optional<String> now = read(store, key);
        if (now.isPresent() && owner.equals(ownerOf(now.get()))) {
            store.delete(key);
        }
    }

    private void renew() {
        try {
            Optional<String> now = read(store, key);
            if (now.isPresent() && !owner.equals(ownerOf(now.get()))) {
                lost = true;
                logger.error(
                        "The lease {} was taken over by {}",
                        store.locationOf(key),
                        describe(now.get()));
                renewer.shutdown();
                return;
            }
            writeLease();
        } catch (IOException e) {
            logger.warn("Could not renew the lease {}", store.locationOf(key), e);
        }
    }

    private void writeLease() throws IOException {
        String text = "owner=" + owner + "\nexpires=" + (clock.millis() + lease.toMillis()) + "\n";
        store.write(
                key,
                channel -> channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static Optional<String> read(CheckpointStore store, String key) throws IOException {
        try (ObjectReader reader = store.open(key)) {
            if (reader.size() > 4096) {
                throw new IOException(store.locationOf(key) + " is no lease object");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) reader.size());
            reader.readFully(bytes, 0);
            return Optional.of(new String(bytes.array(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String ownerOf(String text) {
        return field(text, "owner");
    }

    /** Reads the expiry of a lease text, in epoch milliseconds; empty if it does not parse. */
    private static OptionalLong expiresAt(String text) {
        try {
            return OptionalLong.of(Long.parseLong(field(text, "expires")));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Describes a lease text for people, on one line: its holder and its expiry as an instant, such
     * as {@code 4242@host/6f1c… until 2026-03-01T12:00:30Z}.
     */
    private static String describe(String text) {
        String owner = printable(ownerOf(text));
        String holder = owner.isEmpty() ? "an unnamed holder" : owner;
        OptionalLong expires = expiresAt(text);
        if (expires.isEmpty()) {
            return holder + " (an unreadable lease text: \"" + printable(text) + "\")";
        }
        return holder + " until " + Instant.ofEpochMilli(expires.getAsLong());
    }

    /** A text on one line, without control characters, cut at 120 characters. */
    private static String printable(String text) {
        String line = text.strip().replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?");
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }

    private static String field(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }

    private static void sleep(Duration settle) throws IOException {
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted acquiring a lease");
        }
    }
}
