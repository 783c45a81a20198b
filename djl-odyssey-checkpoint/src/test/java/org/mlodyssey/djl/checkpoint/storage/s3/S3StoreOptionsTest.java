/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3StoreOptionsTest {

    private static S3StoreOptions.Builder withEnvironment(Map<String, String> environment) {
        return S3StoreOptions.builder().optEndpoint(null).optEndpointFromEnvironment(environment);
    }

    @Test
    void theEndpointComesFromTheEnvironmentAsTheAwsCliTakesIt() {
        S3StoreOptions generic =
                withEnvironment(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")).build();
        assertEquals(URI.create("http://127.0.0.1:9000"), generic.endpoint());
        assertTrue(generic.pathStyle());

        S3StoreOptions specific =
                withEnvironment(
                                Map.of(
                                        "AWS_ENDPOINT_URL", "http://127.0.0.1:9000",
                                        "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9100"))
                        .build();
        assertEquals(URI.create("http://127.0.0.1:9100"), specific.endpoint());

        S3StoreOptions aws = withEnvironment(Map.of()).build();
        assertNull(aws.endpoint());
        assertFalse(aws.pathStyle());
        assertFalse(
                withEnvironment(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"))
                        .optPathStyle(false)
                        .build()
                        .pathStyle());
    }

    @Test
    void sizesAndBudgetsAreChecked() {
        S3StoreOptions.Builder builder = S3StoreOptions.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.optPartSize((5L << 20) - 1));
        assertThrows(IllegalArgumentException.class, () -> builder.optParallelism(0));
        assertThrows(IllegalArgumentException.class, () -> builder.optMaxAttempts(0));
        assertThrows(
                IllegalArgumentException.class, () -> builder.optAttemptTimeout(Duration.ZERO));
        S3StoreOptions defaults = withEnvironment(Map.of()).build();
        assertEquals(16L << 20, defaults.partSize());
        assertEquals(4, defaults.parallelism());
        assertEquals(5, defaults.maxAttempts());
        assertEquals(UploadChecksum.CRC32C, defaults.uploadChecksum());
    }
}
