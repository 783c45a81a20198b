/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.storage.LocalCheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.StoreLease;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * A directory of training checkpoints, and every file operation on it: checkpoint names, listing,
 * finding the newest valid checkpoint, saving, deleting, moving checkpoints aside, the {@code
 * latest} pointer ({@link LatestPointer}) and the writer's lock ({@code .lock}).
 *
 * <p>Creating one does no I/O. The layout of one checkpoint and its atomic commit are {@link
 * CheckpointDirectories}'s. The checkpoints can also live in a bucket ({@link #open}, {@link #on}):
 * then every operation goes through a {@code CheckpointStore}, a checkpoint is committed by its
 * manifest written last, moving aside and deleting are deletions (manifest first), and the lock is
 * a lease ({@link DirectoryLock}). This class checks the arguments; a {@link LocalCheckpoints} or a
 * {@link StoreCheckpoints} does the I/O.
 */
public final class CheckpointDirectory implements Closeable {

    /** The lock file's name: {@code .lock}, held while a run writes into the directory. */
    public static final String LOCK_FILE = DirectoryLock.FILE_NAME;

    /** How long a lease on a bucket lasts without renewal, unless set. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    private final Path root;
    private final CheckpointBackend backend;

    private CheckpointDirectory(Path root, CheckpointBackend backend) {
        this.root = root;
        this.backend = backend;
    }

    /**
     * Names a directory of checkpoints; it need not exist.
     *
     * @param root the directory
     * @return the directory of checkpoints, with an absolute, normalized root
     */
    public static CheckpointDirectory of(Path root) {
        Path normalized = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        return new CheckpointDirectory(normalized, new LocalCheckpoints(normalized));
    }

    /**
     * Names the checkpoints of a store. A {@link LocalCheckpointStore} gives the local directory of
     * {@link #of}; any other store (a bucket) is committed without rename (see {@code
     * docs/training-checkpoints.md}), and its root is named by the path {@code /s3:/bucket/prefix}
     * in the {@link Path}-typed results. The store stays open: its owner closes it.
     *
     * @param store the store
     * @param lease how long the run's lease on a bucket lasts without renewal: {@link #lock} waits
     *     out a killed run's lease, at most this long when it was written with the same lease and
     *     never more than twice it (one expiring further ahead is refused at once)
     * @return the directory of checkpoints
     * @throws IllegalArgumentException if the lease is shorter than 1 ms, zero or negative
     */
    public static CheckpointDirectory on(CheckpointStore store, Duration lease) {
        return on(store, requirePositive(lease), false);
    }

    /**
     * Opens the directory of checkpoints a location names: a local directory, or {@code
     * s3://bucket/prefix} (see {@link CheckpointStores#open}). Closing the directory closes the
     * store opened here.
     *
     * @param location a directory path or {@code s3://bucket/prefix}
     * @param s3Options the options for a bucket, or {@code null} for the defaults (SDK chains,
     *     {@code AWS_ENDPOINT_URL})
     * @param lease how long the run's lease on a bucket lasts without renewal (checked for a local
     *     directory too, which has none)
     * @return the directory of checkpoints
     * @throws IllegalArgumentException if the lease is shorter than 1 ms, zero or negative
     */
    public static CheckpointDirectory open(
            String location, S3StoreOptions s3Options, Duration lease) {
        requirePositive(lease);
        if (!CheckpointStores.isRemote(location)) {
            return of(Path.of(location));
        }
        return on(CheckpointStores.open(location, s3Options), lease, true);
    }

    private static Duration requirePositive(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        return StoreLease.checkLease(lease);
    }

    private static CheckpointDirectory on(CheckpointStore store, Duration lease, boolean owns) {
        Objects.requireNonNull(store, "store");
        if (store instanceof LocalCheckpointStore local) {
            return of(local.root());
        }
        Path root = Locations.asPath(store.location());
        return new CheckpointDirectory(root, new StoreCheckpoints(store, root, lease, owns));
    }

    /**
     * Tells whether the checkpoints are in a store without rename (a bucket).
     *
     * @return true for a bucket
     */
    public boolean isRemote() {
        return backend instanceof StoreCheckpoints;
    }

    /**
     * Describes where a checkpoint of this directory is, for people: its path, or its {@code s3://}
     * prefix.
     *
     * @param checkpoint a checkpoint of this directory
     * @return the location
     */
    public String locationOf(Path checkpoint) {
        return backend.locationOf(checkpoint);
    }

    /**
     * Lists the checkpoints that were begun and never committed: in a bucket, the checkpoint
     * prefixes without a manifest (an upload interrupted, or in progress); in a directory, the
     * checkpoint-named directories without a manifest. None is ever loaded; a save deletes them.
     *
     * @return their paths, sorted
     * @throws IOException if the directory cannot be listed
     */
    public List<Path> listIncomplete() throws IOException {
        return backend.listIncomplete();
    }

    /** Closes the store this directory opened ({@link #open}); otherwise does nothing. */
    @Override
    public void close() {
        backend.close();
    }

    /**
     * A committed checkpoint found by {@link #list()}: its directory and its manifest, read but not
     * verified against the files.
     *
     * @param directory the checkpoint directory
     * @param manifest its manifest
     */
    public record Listed(Path directory, TrainingCheckpointManifest manifest) {}

    /**
     * Returns the root.
     *
     * @return the absolute, normalized directory
     */
    public Path getRoot() {
        return root;
    }

    /**
     * Returns the directory the checkpoint of a position has (or would have).
     *
     * @param position the position
     * @return {@code <root>/step-...-epoch-...-batch-...}
     */
    public Path resolve(TrainingProgress position) {
        return root.resolve(CheckpointDirectories.directoryName(position));
    }

    /**
     * Tells whether a path is a checkpoint directory's place in this directory (whether or not it
     * exists).
     *
     * @param checkpoint a path
     * @return true if its parent is the root and its name a checkpoint name
     */
    public boolean contains(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().normalize();
        return root.equals(dir.getParent())
                && CheckpointDirectories.isCheckpointName(dir.getFileName().toString());
    }

    /**
     * Tells whether a checkpoint directory exists (as a directory, not a link).
     *
     * @param checkpoint the checkpoint directory
     * @return true if it exists
     */
    public boolean exists(Path checkpoint) {
        return backend.exists(checkpoint);
    }

    /**
     * Locks the directory for writing, creating it if absent; see {@link
     * CheckpointDirectoryLockedException}. A lock a dead process left is taken over with a warning:
     * a local directory's at once; in a bucket, the killed run's lease when it expires, which this
     * call waits for (at most one lease when both runs use the same one, refused at once if its
     * expiry lies more than twice the lease ahead; refused as soon as its holder is seen renewing
     * it).
     *
     * @return the lock; close it to release
     * @throws CheckpointDirectoryLockedException if another run holds it
     * @throws IOException if the lock file cannot be created or written
     */
    public DirectoryLock lock() throws IOException {
        return backend.lock();
    }

    /**
     * Opens one checkpoint of this directory by name, verifying it; a checkpoint whose manifest
     * records another position than its name says (a directory or prefix renamed) is refused, as
     * the listing skips it.
     *
     * @param name the checkpoint's name, such as {@code step-…-epoch-…-batch-…}
     * @return the verified checkpoint
     * @throws IllegalArgumentException if the name is not a checkpoint's name
     * @throws InvalidTrainingCheckpointException if it must not be loaded, saying why: among others
     *     {@link InvalidTrainingCheckpointException.Kind#MALFORMED_MANIFEST} naming {@code
     *     manifest.json} when its manifest records another position than the name
     */
    public TrainingCheckpoint open(String name) throws InvalidTrainingCheckpointException {
        if (!CheckpointDirectories.isCheckpointName(name)) {
            throw new IllegalArgumentException(name + " is not a training checkpoint's name");
        }
        return backend.open(name);
    }

    /**
     * Reads the manifest of one checkpoint of this directory without checking the files it lists,
     * as {@link TrainingCheckpoint#readManifest} reads it (for a report, next to {@link
     * #verifyFile}).
     *
     * @param name the checkpoint's name
     * @return the manifest
     * @throws InvalidTrainingCheckpointException if it is missing, too large or malformed
     */
    public TrainingCheckpointManifest readManifest(String name)
            throws InvalidTrainingCheckpointException {
        return TrainingCheckpoint.readManifest(root.resolve(name), backend.filesOf(name));
    }

    /**
     * Checks one file of a checkpoint against its manifest entry, as {@link #open} checks each:
     * present, of the recorded size and CRC32C (read in bounded memory).
     *
     * @param name the checkpoint's name
     * @param file the file's name in the checkpoint
     * @param expected its entry in the manifest
     * @throws InvalidTrainingCheckpointException naming the file if it is absent, unreadable, or of
     *     another size or CRC32C
     */
    public void verifyFile(String name, String file, TrainingCheckpointManifest.FileEntry expected)
            throws InvalidTrainingCheckpointException {
        TrainingCheckpoint.verifyFile(root.resolve(name), backend.filesOf(name), file, expected);
    }

    /**
     * Finds the newest valid checkpoint, logging a warning for each newer one skipped.
     *
     * @return the newest valid checkpoint, or empty
     * @throws IOException if the directory cannot be listed
     */
    public Optional<TrainingCheckpoint> findLatestValid() throws IOException {
        return backend.findLatestValid();
    }

    /**
     * Finds the newest valid checkpoint, reporting each newer one skipped.
     *
     * @param onSkipped told about each checkpoint skipped, with the reason
     * @return the newest valid checkpoint, or empty
     * @throws IOException if the directory cannot be listed
     */
    public Optional<TrainingCheckpoint> findLatestValid(
            Consumer<InvalidTrainingCheckpointException> onSkipped) throws IOException {
        return backend.findLatestValid(onSkipped);
    }

    /**
     * Saves a snapshot as a checkpoint, committed atomically ({@link CheckpointDirectories#save}).
     *
     * @param snapshot the snapshot
     * @param metadata user metadata for the manifest
     * @return the committed checkpoint directory
     * @throws IOException if nothing could be committed
     */
    public Path save(TrainingSnapshot snapshot, Map<String, String> metadata) throws IOException {
        return save(snapshot, metadata, WriteOptions.defaults());
    }

    /**
     * Saves a snapshot as a checkpoint with options for its tensor files: in a directory, committed
     * atomically ({@link CheckpointDirectories#save(Path, TrainingSnapshot, Map, WriteOptions)});
     * in a bucket, every file under its final key and the manifest last (a compressed tensor file
     * through a local temporary file, {@link
     * org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays#save(CheckpointStore, String, Map, Map,
     * WriteOptions)}).
     *
     * @param snapshot the snapshot
     * @param metadata user metadata for the manifest
     * @param options how the tensor files are written
     * @return the committed checkpoint directory
     * @throws IOException if nothing could be committed
     */
    public Path save(TrainingSnapshot snapshot, Map<String, String> metadata, WriteOptions options)
            throws IOException {
        return backend.save(snapshot, metadata, options);
    }

    /**
     * Deletes a committed checkpoint of this directory ({@link CheckpointDirectories#delete}).
     *
     * @param checkpoint the checkpoint directory
     * @throws IllegalArgumentException if it is not a checkpoint of this directory
     * @throws IOException if it cannot be deleted
     */
    public void delete(Path checkpoint) throws IOException {
        requireContained(checkpoint);
        backend.delete(checkpoint);
    }

    /**
     * Lists the checkpoint directories whose manifest names their position; a manifest that cannot
     * be parsed is logged as a warning and skipped. The files are not verified.
     *
     * @return the checkpoints, sorted by position
     * @throws IOException if the directory cannot be listed
     */
    public List<Listed> list() throws IOException {
        return backend.list();
    }

    /**
     * Checks that a run starting anew may write here: the directory holds no checkpoint.
     *
     * @throws CheckpointDirectoryNotEmptyException naming the newest checkpoint if it holds one
     * @throws IOException if the directory cannot be listed
     */
    public void requireNoCheckpoints() throws IOException {
        List<Listed> found = list();
        if (!found.isEmpty()) {
            throw new CheckpointDirectoryNotEmptyException(
                    root, found.get(found.size() - 1).directory());
        }
    }

    /**
     * Returns the position a manifest records.
     *
     * @param manifest a checkpoint's manifest
     * @return its position, without seed and metric history
     */
    public static TrainingProgress positionOf(TrainingCheckpointManifest manifest) {
        return new TrainingProgress(
                0, manifest.epoch(), manifest.batchInEpoch(), manifest.globalStep(), List.of());
    }

    /**
     * Renames aside every checkpoint directory positioned after a position, to {@code
     * .<name>.abandoned-<timestamp>}, which no search for checkpoints considers, with a warning for
     * each: a run resumed at that position saves those positions again.
     *
     * @param position where the run resumes
     * @return the directories moved aside (their former paths)
     * @throws IOException if one cannot be moved
     */
    public List<Path> moveAsideAfter(TrainingProgress position) throws IOException {
        return backend.removeAfter(CheckpointDirectories.directoryName(position));
    }

    /**
     * Reads the {@code latest} pointer.
     *
     * @return the checkpoint directory it names, or empty if there is none
     * @throws IOException if it cannot be read or names no plain directory name
     */
    public Optional<Path> readLatest() throws IOException {
        return backend.readLatest();
    }

    /**
     * Points {@code latest} at a checkpoint of this directory, atomically, unless it names it
     * already.
     *
     * @param checkpoint the checkpoint directory
     * @throws IllegalArgumentException if it is not a checkpoint of this directory
     * @throws IOException if the pointer cannot be written
     */
    public void pointLatestAt(Path checkpoint) throws IOException {
        requireContained(checkpoint);
        Optional<Path> named;
        try {
            named = readLatest();
        } catch (IOException e) {
            named = Optional.empty();
        }
        String name = checkpoint.getFileName().toString();
        if (named.isEmpty() || !named.get().getFileName().toString().equals(name)) {
            backend.writeLatest(name);
        }
    }

    /**
     * Returns the bytes of a committed checkpoint: its manifest and the files it records.
     *
     * @param checkpoint the checkpoint directory
     * @return the size in bytes
     * @throws IOException if the manifest cannot be read
     */
    public long sizeOf(Path checkpoint) throws IOException {
        return backend.sizeOf(checkpoint);
    }

    private void requireContained(Path checkpoint) {
        if (!contains(checkpoint)) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint of " + root);
        }
    }

    @Override
    public String toString() {
        return backend.toString();
    }
}
