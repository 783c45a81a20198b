/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.storage.StoreLease;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.LocationParts;

/**
 * The settings of a {@link CheckpointListener} that say where its checkpoints live (a local
 * directory, an {@code s3://} location or a given store, with the bucket's options and lease) and
 * where a resume restores from, and the parts they make: the directory of checkpoints and the
 * resume's source. Nothing here touches a file.
 */
abstract class StorageSettings {

    private Path directory;
    private String location;
    private CheckpointStore store;
    private S3StoreOptions s3Options;
    private Duration lease = CheckpointDirectory.DEFAULT_LEASE;
    private Path resumeFrom;
    private String resumeLocation;

    StorageSettings() {}

    /** Returns the builder, for chaining. */
    abstract CheckpointListener.Builder self();

    /**
     * Sets the directory of checkpoints (required); created, and locked, when the run starts.
     *
     * @param directory the directory
     * @return this builder
     */
    public CheckpointListener.Builder setDirectory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return self();
    }

    /**
     * Sets where the checkpoints go (instead of {@link #setDirectory}): a local directory path, or
     * {@code s3://bucket/prefix} for a bucket of AWS S3 or an S3-compatible store (MinIO, Ceph RGW,
     * R2), reached with the AWS SDK's credential and region chains and {@code AWS_ENDPOINT_URL}, or
     * with {@link #optS3Options}. In a bucket every file of a checkpoint is uploaded under its
     * final key and the manifest last, which commits it; the run holds a lease object ({@code
     * .lock}) instead of a lock file. The listener closes the store it opened.
     *
     * @param location a directory path or {@code s3://bucket/prefix}
     * @return this builder
     */
    public CheckpointListener.Builder setLocation(String location) {
        this.location = Objects.requireNonNull(location, "location");
        return self();
    }

    /**
     * Sets the store the checkpoints go into (instead of {@link #setDirectory}); the caller keeps
     * it open while the listener lives and closes it.
     *
     * @param store the store
     * @return this builder
     */
    public CheckpointListener.Builder setStore(CheckpointStore store) {
        this.store = Objects.requireNonNull(store, "store");
        return self();
    }

    /**
     * Sets how an {@code s3://} location of {@link #setLocation} is reached: endpoint, path-style
     * addressing, credentials, part size, parallelism, retries. Default: {@link
     * S3StoreOptions#defaults()}.
     *
     * @param options the options
     * @return this builder
     */
    public CheckpointListener.Builder optS3Options(S3StoreOptions options) {
        this.s3Options = Objects.requireNonNull(options, "options");
        return self();
    }

    /**
     * Sets the endpoint of an S3-compatible store for an {@code s3://} location (such as {@code
     * http://127.0.0.1:9000} for MinIO), with path-style addressing and otherwise the default
     * options; a shorthand for {@link #optS3Options} that replaces options set before.
     *
     * @param endpoint the endpoint URL
     * @return this builder
     */
    public CheckpointListener.Builder optS3Endpoint(URI endpoint) {
        return optS3Options(S3StoreOptions.builder().optEndpoint(endpoint).build());
    }

    /**
     * Sets how long the run's lease on a bucket lasts without renewal (renewed every third of it
     * while the run lives). Default 30 s. A killed run's lease, which nobody renews, is waited out
     * when the next run's trainer is created: at most one lease when both runs use the same one;
     * one whose expiry lies more than twice this lease ahead is refused at once. No effect on a
     * local directory, which the operating system unlocks when a process dies.
     *
     * @param lease the lease duration
     * @return this builder
     * @throws IllegalArgumentException if the lease is shorter than 1 ms, zero or negative
     */
    public CheckpointListener.Builder optLease(Duration lease) {
        this.lease = StoreLease.checkLease(lease);
        return self();
    }

    /**
     * Resumes from this source instead of the listener's own directory: one checkpoint directory,
     * another directory of checkpoints (its newest valid one) or a {@code latest} pointer file (the
     * newest valid checkpoint of its directory). Default: the listener's directory.
     *
     * @param source where {@link CheckpointListener#resume} restores from
     * @return this builder
     */
    public CheckpointListener.Builder optResumeFrom(Path source) {
        this.resumeFrom = Objects.requireNonNull(source, "source");
        this.resumeLocation = null;
        return self();
    }

    /**
     * Resumes from this source instead of the listener's own directory: a path as {@link
     * #optResumeFrom(Path)} takes, or in a bucket one checkpoint ({@code
     * s3://bucket/prefix/step-…}) or a prefix of checkpoints (its newest valid one), reached with
     * the options of {@link #optS3Options}.
     *
     * @param location where {@link CheckpointListener#resume} restores from
     * @return this builder
     */
    public CheckpointListener.Builder optResumeFrom(String location) {
        if (!CheckpointStores.isRemote(location)) {
            return optResumeFrom(Path.of(location));
        }
        this.resumeLocation = location;
        this.resumeFrom = null;
        return self();
    }

    /** Makes the directory of checkpoints: opens the store of a location. */
    CheckpointDirectory checkpointDirectory() {
        if (directory != null) {
            return CheckpointDirectory.of(directory);
        }
        if (store != null) {
            return CheckpointDirectory.on(store, lease);
        }
        return CheckpointDirectory.open(location, s3Options, lease);
    }

    /** Makes the source a resume restores from: the listener's own directory unless set. */
    ResumeSource.Origin resumeFrom(CheckpointDirectory own) {
        if (resumeFrom != null) {
            Path source = resumeFrom;
            return (trainer, seed, adapters, configuration) ->
                    ResumeSource.restore(trainer, source, seed, adapters, configuration);
        }
        if (resumeLocation == null) {
            return (trainer, seed, adapters, configuration) ->
                    ResumeSource.restore(trainer, own, seed, adapters, configuration);
        }
        LocationParts located = LocationParts.of(resumeLocation);
        S3StoreOptions options = s3Options;
        Duration held = lease;
        return (trainer, seed, adapters, configuration) ->
                ResumeSource.restoreRemote(
                        trainer,
                        () -> CheckpointDirectory.open(located.root(), options, held),
                        located.name(),
                        seed,
                        adapters,
                        configuration);
    }

    /**
     * Checks that the checkpoints have one place.
     *
     * @throws IllegalArgumentException unless exactly one of a directory, a location and a store is
     *     set
     */
    void validatePlace() {
        int places =
                (directory == null ? 0 : 1) + (location == null ? 0 : 1) + (store == null ? 0 : 1);
        if (places != 1) {
            throw new IllegalArgumentException(
                    "exactly one of setDirectory, setLocation and setStore is required");
        }
    }
}
