/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.s3.S3Location;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * Opens the {@link CheckpointStore} a location names: {@code s3://bucket/prefix} for a bucket,
 * anything else for a local directory.
 */
public final class CheckpointStores {

    /** The artifacts an application adds to use {@code s3://} locations. */
    public static final String S3_ARTIFACTS =
            "software.amazon.awssdk:s3 and software.amazon.awssdk:url-connection-client";

    static final String S3_CLIENT_CLASS = "software.amazon.awssdk.services.s3.S3Client";
    static final String URL_CONNECTION_CLIENT_CLASS =
            "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient";

    private CheckpointStores() {}

    /**
     * Tells whether a location names a bucket rather than a local directory.
     *
     * @param location a path or {@code s3://} URI
     * @return true for {@code s3://}
     */
    public static boolean isRemote(String location) {
        return S3Location.isS3(location);
    }

    /**
     * Opens the store of a location, with the default S3 options (SDK credential and region chains,
     * endpoint from {@code AWS_ENDPOINT_URL}).
     *
     * @param location a directory path or {@code s3://bucket/prefix}
     * @return the store, to be closed
     * @throws MissingStorageDependencyException for an {@code s3://} location without the AWS SDK
     *     on the classpath
     */
    public static CheckpointStore open(String location) {
        return open(location, null);
    }

    /**
     * Opens the store of a location.
     *
     * @param location a directory path or {@code s3://bucket/prefix}
     * @param s3Options the options for an {@code s3://} location, or {@code null} for the defaults;
     *     ignored for a directory
     * @return the store, to be closed
     * @throws MissingStorageDependencyException for an {@code s3://} location without the AWS SDK
     *     on the classpath
     */
    public static CheckpointStore open(String location, S3StoreOptions s3Options) {
        if (!isRemote(location)) {
            return LocalCheckpointStore.of(Path.of(location));
        }
        requireClasses(location, S3_CLIENT_CLASS, URL_CONNECTION_CLIENT_CLASS);
        return S3CheckpointStore.open(
                location, s3Options == null ? S3StoreOptions.defaults() : s3Options);
    }

    static void requireClasses(String location, String... classNames) {
        for (String className : classNames) {
            try {
                Class.forName(className, false, CheckpointStores.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new MissingStorageDependencyException(
                        location
                                + " is in a bucket, but the AWS SDK is not on the classpath ("
                                + className
                                + " is missing): add "
                                + S3_ARTIFACTS
                                + " (version 2.31 or later) to the application's dependencies",
                        e);
            }
        }
    }
}
