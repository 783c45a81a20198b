/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Checkpoints in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2, S3Proxy): {@link
 * org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore}, on the AWS SDK for Java v2 with the
 * JDK's {@code HttpURLConnection} underneath. The SDK is an optional dependency: applications that
 * use {@code s3://} locations add {@code software.amazon.awssdk:s3} and {@code
 * software.amazon.awssdk:url-connection-client}.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;
