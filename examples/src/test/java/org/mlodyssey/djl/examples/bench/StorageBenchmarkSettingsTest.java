/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The storage benchmark's settings hold the command line's bounds when built in code too. */
class StorageBenchmarkSettingsTest {

    @Test
    void valuesOutOfBoundsAreRefusedByName() {
        assertEquals(8, new StorageBenchmark.Settings(1, 1, 1, 0, 8, 0).shards());
        assertEquals(
                "shards must be at least 1, not 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StorageBenchmark.Settings(1, 1, 1, 1, 0, 0))
                        .getMessage());
        assertEquals(
                "warmUps must be at least 0, not -1",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StorageBenchmark.Settings(1, 1, 1, -1, 1, 0))
                        .getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new StorageBenchmark.Settings(0, 1, 1, 1, 1, 0));
    }
}
