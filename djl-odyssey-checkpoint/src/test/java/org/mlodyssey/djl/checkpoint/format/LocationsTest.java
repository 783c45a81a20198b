/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A bucket location survives being carried as a {@link Path}; a local path is left alone. */
class LocationsTest {

    @Test
    void aBucketLocationIsToldAsItsS3UriWhicheverWayItWasFolded() {
        String location = "s3://bucket/runs/step-000000000008-epoch-000001-batch-000000001";
        Path carried = Locations.asPath(location);
        assertTrue(carried.isAbsolute());
        assertEquals(location, Locations.of(carried));
        assertEquals(location, Locations.of(Path.of(location)));
        assertEquals(location + "/manifest.json", Locations.of(carried.resolve("manifest.json")));
        assertTrue(Locations.isRemote(carried));
    }

    @Test
    void aLocalPathIsItsString() {
        Path local = Path.of("/runs/s3/step-1");
        assertEquals(local, Locations.asPath(local.toString()));
        assertEquals("/runs/s3/step-1", Locations.of(local));
        assertEquals("runs", Locations.of(Path.of("runs")));
        assertFalse(Locations.isRemote(local));
        assertNull(Locations.of(null));
    }
}
