/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease on a local store, where the clock can be injected: the arguments it refuses and a wall
 * clock that stops. The lease on a real S3Proxy is {@code S3StoreLeaseTest}'s.
 */
class StoreLeaseTest {

    private static final Duration SETTLE = Duration.ofMillis(20);

    @TempDir Path dir;

    @Test
    void aLeaseThatIsNotPositiveIsRefusedNamingItsValue() {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir.resolve("run"));
        IllegalArgumentException zero =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> StoreLease.acquire(store, ".lock", Duration.ZERO, SETTLE));
        assertTrue(zero.getMessage().contains("PT0S"), zero.getMessage());
        IllegalArgumentException negative =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> StoreLease.acquire(store, ".lock", Duration.ofSeconds(-5), SETTLE));
        assertTrue(negative.getMessage().contains("PT-5S"), negative.getMessage());
        // under a millisecond: the expiry written (in ms) would be now, expired at once
        assertThrows(
                IllegalArgumentException.class,
                () -> StoreLease.acquire(store, ".lock", Duration.ofNanos(500_000), SETTLE));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        StoreLease.acquire(
                                store, ".lock", Duration.ofSeconds(1), Duration.ofMillis(-1)));
        assertFalse(Files.exists(store.resolve(".lock")), "no lease object was written");
    }

    @Test
    void aLeaseThatExpiredAtTheEarliestTimeIsTakenOverNotRefused() throws Exception {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir.resolve("run"));
        byte[] old =
                ("owner=gone\nexpires=" + Long.MIN_VALUE + "\n").getBytes(StandardCharsets.UTF_8);
        store.write(".lock", channel -> channel.write(ByteBuffer.wrap(old)));
        // expires - now overflowed to a large positive number: refused as "far ahead" before
        try (StoreLease lease = StoreLease.acquire(store, ".lock", Duration.ofSeconds(5), SETTLE)) {
            assertTrue(
                    Files.readString(store.resolve(".lock")).contains("expires="),
                    "this run's lease was written");
            assertFalse(Files.readString(store.resolve(".lock")).contains("owner=gone\n"));
            assertFalse(lease.isLost());
        }
    }

    @Test
    void aWallClockThatStopsDoesNotProlongTheWaitBeyondTheLeaseSeen() throws Exception {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir.resolve("run"));
        // The wall clock stands still (as if set back by as much as time passes): judged by it
        // alone, the lease below would never expire.
        Instant now = Instant.now();
        Clock stopped = Clock.fixed(now, ZoneOffset.UTC);
        String killed = "owner=4242@elsewhere/killed\nexpires=" + (now.toEpochMilli() + 800) + "\n";
        byte[] bytes = killed.getBytes(StandardCharsets.UTF_8);
        store.write(".lock", channel -> channel.write(ByteBuffer.wrap(bytes)));
        long start = System.nanoTime();
        StoreLease taken =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(20),
                        () ->
                                StoreLease.acquire(
                                        store, ".lock", Duration.ofSeconds(1), SETTLE, stopped));
        long waited = System.nanoTime() - start;
        try (taken) {
            assertTrue(waited >= Duration.ofMillis(800).toNanos(), "waited " + waited + " ns");
            assertTrue(waited < Duration.ofSeconds(5).toNanos(), "waited " + waited + " ns");
            String text = Files.readString(store.resolve(".lock"));
            assertFalse(text.contains("killed"), text);
            assertFalse(taken.isLost());
        }
        assertFalse(Files.exists(store.resolve(".lock")), "released");
    }
}
