/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.storage.StoreLease;
import org.mlodyssey.djl.checkpoint.storage.StoreLockedException;

/**
 * The run lease on a real S3Proxy, which does not enforce conditional puts, in its default
 * configuration (refusing the CRC32C header: uploads carry Content-MD5).
 */
class S3StoreLeaseTest extends S3ProxyTestBase {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofMillis(50);

    @Override
    boolean ignoreUnknownHeaders() {
        return false;
    }

    private S3CheckpointStore store() {
        return S3CheckpointStore.open(
                "s3://" + bucket + "/run",
                LoopbackS3Server.options(server.endpoint())
                        .optUploadChecksum(UploadChecksum.MD5)
                        .build());
    }

    @Test
    void aSecondRunIsRefusedUntilTheFirstReleasesOrItsLeaseExpires() throws Exception {
        try (S3CheckpointStore first = store();
                S3CheckpointStore second = store()) {
            // A live holder renews every third of its lease: the second run sees a renewal while
            // it waits for the lease to expire, and is refused.
            StoreLease held = StoreLease.acquire(first, ".lock", Duration.ofSeconds(3), SETTLE);
            StoreLockedException refused =
                    assertThrows(
                            StoreLockedException.class,
                            () -> StoreLease.acquire(second, ".lock", LEASE, SETTLE));
            assertTrue(refused.getMessage().contains("s3://" + bucket + "/run/.lock"));
            assertTrue(refused.getMessage().contains("renewed"), refused.getMessage());
            held.close();
            assertTrue(first.stat(".lock").isEmpty());
            StoreLease again = StoreLease.acquire(second, ".lock", LEASE, SETTLE);
            assertFalse(again.isLost());
            again.close();

            // A holder that died: its lease object stays, with an expiry in the past.
            byte[] dead = "owner=dead\nexpires=1\n".getBytes(StandardCharsets.UTF_8);
            first.write(".lock", ch -> ch.write(ByteBuffer.wrap(dead)));
            StoreLease.acquire(second, ".lock", LEASE, SETTLE).close();
        }
    }

    @Test
    void aLeaseNobodyRenewsIsTakenOverWhenItExpiresAndAReleasedOneAtOnce() throws Exception {
        try (S3CheckpointStore first = store();
                S3CheckpointStore second = store()) {
            // A holder killed a moment ago: its lease has 1.5 s to run and is never renewed.
            long expires = System.currentTimeMillis() + 1500;
            writeLease(first, "owner=4242@elsewhere/killed\nexpires=" + expires + "\n");
            try (StoreLease taken = StoreLease.acquire(second, ".lock", LEASE, SETTLE)) {
                assertTrue(System.currentTimeMillis() >= expires, "taken over once it expired");
                assertFalse(taken.isLost());
                assertFalse(leaseText(second).contains("killed"), leaseText(second));
            }

            // A holder that releases its lease while the next run waits lets it in at once.
            writeLease(
                    first,
                    "owner=4242@elsewhere/closing\nexpires="
                            + (System.currentTimeMillis() + 20_000)
                            + "\n");
            Thread release =
                    new Thread(
                            () -> {
                                try {
                                    Thread.sleep(300);
                                    first.delete(".lock");
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            release.start();
            long start = System.nanoTime();
            StoreLease.acquire(second, ".lock", LEASE, SETTLE).close();
            release.join();
            assertTrue(
                    System.nanoTime() - start < Duration.ofSeconds(10).toNanos(),
                    "did not wait for the expiry 20 s ahead");

            // One that expires further ahead than twice the lease is refused without waiting,
            // naming its holder and its expiry as an instant.
            long far = System.currentTimeMillis() + 600_000;
            writeLease(first, "owner=4242@elsewhere/long\nexpires=" + far + "\n");
            long refusedAt = System.nanoTime();
            StoreLockedException refused =
                    assertThrows(
                            StoreLockedException.class,
                            () -> StoreLease.acquire(second, ".lock", LEASE, SETTLE));
            assertTrue(System.nanoTime() - refusedAt < Duration.ofSeconds(5).toNanos());
            String message = refused.getMessage();
            assertTrue(message.contains("4242@elsewhere/long"), message);
            assertTrue(message.contains(Instant.ofEpochMilli(far).toString()), message);
            assertFalse(message.contains("expires=") || message.contains("owner="), message);
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void aLeaseWhoseTextDoesNotParseIsRefusedAtOnceAndLeftAlone() throws Exception {
        try (S3CheckpointStore first = store();
                S3CheckpointStore second = store()) {
            for (String garbled :
                    List.of("owner=4242@elsewhere/v9\nexpiry=soon\n", "{\"lease\": 1}", "")) {
                writeLease(first, garbled);
                long start = System.nanoTime();
                StoreLockedException refused =
                        assertThrows(
                                StoreLockedException.class,
                                () -> StoreLease.acquire(second, ".lock", LEASE, SETTLE));
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
                String message = refused.getMessage();
                assertTrue(message.contains("s3://" + bucket + "/run/.lock"), message);
                assertTrue(message.contains("unreadable"), message);
                assertEquals(garbled, leaseText(second), "not taken over");
            }
        }
    }

    private static void writeLease(S3CheckpointStore store, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        store.write(".lock", ch -> ch.write(ByteBuffer.wrap(bytes)));
    }

    private static String leaseText(S3CheckpointStore store) throws Exception {
        try (var reader = store.open(".lock")) {
            ByteBuffer bytes = ByteBuffer.allocate((int) reader.size());
            reader.readFully(bytes, 0);
            return new String(bytes.array(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLeaseRenewsItselfPastItsDuration() throws Exception {
        try (S3CheckpointStore store = store();
                StoreLease held =
                        StoreLease.acquire(store, ".lock", Duration.ofMillis(600), SETTLE)) {
            Thread.sleep(1500); // two and a half leases: only renewal keeps it live
            assertThrows(
                    StoreLockedException.class,
                    () -> StoreLease.acquire(store, ".lock", LEASE, SETTLE));
            assertFalse(held.isLost());
        }
    }
}
