/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;

/**
 * The {@code --checkpoint-dir} of the command line: a local directory, or {@code
 * s3://bucket/prefix} for a bucket of AWS S3 or an S3-compatible store, reached with the AWS SDK's
 * credential and region chains and {@code AWS_ENDPOINT_URL} (path-style addressing when an endpoint
 * is set).
 *
 * <p>The flag is parsed as a {@link Path}, which folds {@code s3://} into {@code s3:/}; {@link #of}
 * restores the location ({@link Locations#of}).
 */
public final class CheckpointLocations {

    private CheckpointLocations() {}

    /**
     * Returns the location a {@code --checkpoint-dir} value names.
     *
     * @param dir the flag's value
     * @return {@code s3://bucket/prefix}, or the path as given
     */
    public static String of(Path dir) {
        return Locations.of(dir);
    }

    /**
     * Tells whether a {@code --checkpoint-dir} value names a bucket.
     *
     * @param dir the flag's value
     * @return true for {@code s3://}
     */
    public static boolean isRemote(Path dir) {
        return CheckpointStores.isRemote(of(dir));
    }

    /**
     * Starts a listener configuration that saves into a {@code --checkpoint-dir}.
     *
     * @param dir the flag's value
     * @return the builder, with its directory or location set
     */
    public static CheckpointListener.Builder listener(Path dir) {
        return isRemote(dir)
                ? CheckpointListener.builder().setLocation(of(dir))
                : CheckpointListener.builder().setDirectory(dir);
    }

    /**
     * Opens the directory of checkpoints of a {@code --checkpoint-dir}; close it to release the
     * bucket's client.
     *
     * @param dir the flag's value
     * @return the directory of checkpoints
     */
    public static CheckpointDirectory open(Path dir) {
        return CheckpointDirectory.open(of(dir), null, CheckpointDirectory.DEFAULT_LEASE);
    }
}
