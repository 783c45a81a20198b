/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease on a local store: the arguments it refuses. The lease on a real S3Proxy is {@code
 * S3StoreLeaseTest}'s.
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
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        StoreLease.acquire(
                                store, ".lock", Duration.ofSeconds(1), Duration.ofMillis(-1)));
        assertFalse(Files.exists(store.resolve(".lock")), "no lease object was written");
    }
}
