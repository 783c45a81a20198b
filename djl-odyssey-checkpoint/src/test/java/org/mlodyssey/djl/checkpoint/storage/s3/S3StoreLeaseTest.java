/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.storage.StoreLease;
import org.mlodyssey.djl.checkpoint.storage.StoreLockedException;

/** The run lease on a real S3Proxy, which does not enforce conditional puts. */
class S3StoreLeaseTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofMillis(50);

    @Test
    void aSecondRunIsRefusedUntilTheFirstReleasesOrItsLeaseExpires() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.startInMemory(false)) {
            server.createBucket("leases");
            S3StoreOptions options =
                    S3ProxyServer.options(server.endpoint())
                            .optUploadChecksum(UploadChecksum.MD5)
                            .build();
            try (S3CheckpointStore first = S3CheckpointStore.open("s3://leases/run", options);
                    S3CheckpointStore second = S3CheckpointStore.open("s3://leases/run", options)) {
                StoreLease held = StoreLease.acquire(first, ".lock", LEASE, SETTLE);
                StoreLockedException refused =
                        assertThrows(
                                StoreLockedException.class,
                                () -> StoreLease.acquire(second, ".lock", LEASE, SETTLE));
                assertTrue(refused.getMessage().contains("s3://leases/run/.lock"));
                held.close();
                assertTrue(first.stat(".lock").isEmpty());
                StoreLease again = StoreLease.acquire(second, ".lock", LEASE, SETTLE);
                assertFalse(again.isLost());
                again.close();

                // A holder that died: its lease object stays, with an expiry in the past.
                first.write(
                        ".lock",
                        ch ->
                                ch.write(
                                        ByteBuffer.wrap(
                                                "owner=dead\nexpires=1\n"
                                                        .getBytes(StandardCharsets.UTF_8))));
                StoreLease.acquire(second, ".lock", LEASE, SETTLE).close();
            }
        }
    }

    @Test
    void aLeaseRenewsItselfPastItsDuration() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.startInMemory(false)) {
            server.createBucket("leases");
            S3StoreOptions options =
                    S3ProxyServer.options(server.endpoint())
                            .optUploadChecksum(UploadChecksum.MD5)
                            .build();
            try (S3CheckpointStore store = S3CheckpointStore.open("s3://leases/r", options);
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
}
