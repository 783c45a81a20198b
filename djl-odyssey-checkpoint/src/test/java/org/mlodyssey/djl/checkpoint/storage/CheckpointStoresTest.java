/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.storage.s3.S3Location;

class CheckpointStoresTest {

    @TempDir Path dir;

    @Test
    void aPathOpensALocalStore() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.resolve("run").toString())) {
            assertInstanceOf(LocalCheckpointStore.class, store);
            assertEquals(dir.resolve("run").toString(), store.location());
        }
    }

    @Test
    void s3LocationsParse() {
        assertEquals(new S3Location("b", "runs/a/"), S3Location.parse("s3://b/runs/a"));
        assertEquals(new S3Location("b", "runs/a/"), S3Location.parse("S3://b/runs/a/"));
        assertEquals(new S3Location("b", ""), S3Location.parse("s3://b"));
        assertEquals(new S3Location("b", ""), S3Location.parse("s3://b/"));
        assertEquals(
                "s3://b/runs/a/step-1",
                "s3://b/" + S3Location.parse("s3://b/runs/a").keyOf("step-1"));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3:///x"));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3://b/a//c"));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("/tmp/x"));
        assertTrue(CheckpointStores.isRemote("s3://b/x"));
    }

    /** Loads the store classes where the AWS SDK is not: as an application without it. */
    @Test
    void anS3LocationWithoutTheSdkNamesTheMissingArtifacts() throws Exception {
        URL classes = CheckpointStores.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutSdk =
                new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> stores = withoutSdk.loadClass(CheckpointStores.class.getName());
            Method open = stores.getMethod("open", String.class);
            InvocationTargetException thrown =
                    assertThrows(
                            InvocationTargetException.class,
                            () -> open.invoke(null, "s3://bucket/run"));
            Throwable cause = thrown.getCause();
            assertEquals(
                    MissingStorageDependencyException.class.getName(), cause.getClass().getName());
            assertTrue(
                    cause.getMessage().contains("software.amazon.awssdk:s3")
                            && cause.getMessage().contains("url-connection-client")
                            && cause.getMessage().contains("s3://bucket/run"),
                    cause.getMessage());
            Object local = open.invoke(null, dir.toString());
            assertEquals(LocalCheckpointStore.class.getName(), local.getClass().getName());
        }
    }
}
