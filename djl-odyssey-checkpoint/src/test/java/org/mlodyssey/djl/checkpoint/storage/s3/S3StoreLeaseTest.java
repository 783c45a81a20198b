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
            StoreLease held = StoreLease.acquire(first, ".lock", LEASE, SETTLE);
            StoreLockedException refused =
                    assertThrows(
                            StoreLockedException.class,
                            () -> StoreLease.acquire(second, ".lock", LEASE, SETTLE));
            assertTrue(refused.getMessage().contains("s3://" + bucket + "/run/.lock"));
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
