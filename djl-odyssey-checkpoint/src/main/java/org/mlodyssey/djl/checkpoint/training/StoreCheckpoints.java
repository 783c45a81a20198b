/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest.FileEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training checkpoints of a store without rename (a bucket): each checkpoint is the prefix
 * {@code <name>/}; its files are written under their final keys and the manifest last, whose
 * appearance commits the checkpoint. A prefix without a manifest is incomplete: never loaded,
 * listed or counted, and deleted by the next save. Deleting a checkpoint deletes its manifest
 * first, so that it stops being a checkpoint before its files go. The run's lock is a lease.
 *
 * <p>{@link CheckpointDirectory} delegates here for a store; the layout of one checkpoint is the
 * same as in a local directory.
 */
final class StoreCheckpoints implements CheckpointBackend {

    private static final Logger logger = LoggerFactory.getLogger(StoreCheckpoints.class);

    /**
     * The log of the warnings of {@link CheckpointDirectory#findLatestValid()} and {@link #close}.
     */
    private static final Logger directoryLogger =
            LoggerFactory.getLogger(CheckpointDirectory.class);

    private final CheckpointStore store;
    private final Path root;
    private final Duration lease;
    private final boolean ownsStore;

    /**
     * Names the checkpoints of a store.
     *
     * @param store the store
     * @param root the path standing for the store's root in {@link Path}-typed results
     * @param lease how long the run's lease lasts without renewal
     * @param ownsStore whether {@link #close} closes the store
     */
    StoreCheckpoints(CheckpointStore store, Path root, Duration lease, boolean ownsStore) {
        this.store = store;
        this.root = root;
        this.lease = lease;
        this.ownsStore = ownsStore;
    }

    @Override
    public String locationOf(Path checkpoint) {
        return store.locationOf(checkpoint.getFileName() + "/");
    }

    @Override
    public DirectoryLock lock() throws IOException {
        return DirectoryLock.acquire(store, root, lease);
    }

    @Override
    public CheckpointFiles filesOf(String name) {
        return new StoredCheckpointFiles(store, name);
    }

    @Override
    public Optional<Path> readLatest() throws IOException {
        return LatestPointer.read(store).map(root::resolve);
    }

    @Override
    public void writeLatest(String name) throws IOException {
        LatestPointer.write(store, name);
    }

    /** Closes the store if this owns it (opened from a location); a failure is logged. */
    @Override
    public void close() {
        if (ownsStore) {
            try {
                store.close();
            } catch (IOException e) {
                directoryLogger.warn("Could not close {}: {}", store.location(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return store.location();
    }

    /** The checkpoint-named prefixes, sorted by name, each with whether it holds a manifest. */
    private TreeMap<String, Boolean> scan() throws IOException {
        TreeMap<String, Boolean> found = new TreeMap<>();
        for (StoredObject object : store.list("")) {
            String key = object.key();
            int slash = key.indexOf('/');
            if (slash < 0 || !CheckpointDirectories.isCheckpointName(key.substring(0, slash))) {
                continue;
            }
            String name = key.substring(0, slash);
            boolean manifest =
                    key.substring(slash + 1).equals(TrainingCheckpointManifest.FILE_NAME);
            found.merge(name, manifest, Boolean::logicalOr);
        }
        return found;
    }

    /**
     * Names the checkpoints of the store that have no manifest (incomplete: an upload interrupted
     * or in progress).
     *
     * @return their names, sorted
     * @throws IOException if the store cannot be listed
     */
    private List<String> incomplete() throws IOException {
        List<String> names = new ArrayList<>();
        scan().forEach(
                        (name, committed) -> {
                            if (!committed) {
                                names.add(name);
                            }
                        });
        return names;
    }

    @Override
    public List<Path> listIncomplete() throws IOException {
        List<Path> found = new ArrayList<>();
        for (String name : incomplete()) {
            found.add(root.resolve(name));
        }
        return found;
    }

    @Override
    public boolean exists(Path checkpoint) {
        try {
            return isCommitted(checkpoint.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean isCommitted(String name) throws IOException {
        return store.stat(name + "/" + TrainingCheckpointManifest.FILE_NAME).isPresent();
    }

    @Override
    public TrainingCheckpoint open(String name) throws InvalidTrainingCheckpointException {
        Path label = root.resolve(name);
        return CheckpointDirectories.requireNamedPosition(
                TrainingCheckpoint.open(label, new StoredCheckpointFiles(store, name)),
                label,
                name,
                "checkpoint");
    }

    /** Finds the newest valid checkpoint, logging a warning for each newer one skipped. */
    @Override
    public Optional<TrainingCheckpoint> findLatestValid() throws IOException {
        return findLatestValid(
                e -> directoryLogger.warn("Skipping training checkpoint: {}", e.getMessage()));
    }

    @Override
    public Optional<TrainingCheckpoint> findLatestValid(
            Consumer<InvalidTrainingCheckpointException> onSkipped) throws IOException {
        for (Map.Entry<String, Boolean> entry : scan().descendingMap().entrySet()) {
            if (!entry.getValue()) {
                onSkipped.accept(
                        new InvalidTrainingCheckpointException(
                                Kind.MISSING_MANIFEST,
                                root.resolve(entry.getKey()),
                                TrainingCheckpointManifest.FILE_NAME,
                                "incomplete: no manifest, the upload was interrupted or is in"
                                        + " progress"));
                continue;
            }
            try {
                return Optional.of(open(entry.getKey()));
            } catch (InvalidTrainingCheckpointException e) {
                onSkipped.accept(e);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CheckpointDirectory.Listed> list() throws IOException {
        List<CheckpointDirectory.Listed> found = new ArrayList<>();
        for (Map.Entry<String, Boolean> entry : scan().entrySet()) {
            if (!entry.getValue()) {
                continue;
            }
            String name = entry.getKey();
            Path label = root.resolve(name);
            TrainingCheckpointManifest manifest;
            try {
                manifest =
                        TrainingCheckpoint.readManifest(
                                label, new StoredCheckpointFiles(store, name));
            } catch (InvalidTrainingCheckpointException e) {
                logger.warn("Ignoring {}: {}", label, e.getMessage());
                continue;
            }
            if (CheckpointDirectories.recordsPositionOf(manifest, name)) {
                found.add(new CheckpointDirectory.Listed(label, manifest));
            }
        }
        return found;
    }

    /**
     * Saves a snapshot: every file under its final key, the manifest last.
     *
     * @throws FileAlreadyExistsException if a valid checkpoint of the position exists
     * @throws IOException if a file cannot be written; no manifest is then written and what was
     *     written of the checkpoint is deleted
     */
    @Override
    public Path save(TrainingSnapshot snapshot, Map<String, String> metadata, WriteOptions options)
            throws IOException {
        TrainingProgress progress = snapshot.getProgress();
        String name = CheckpointDirectories.directoryName(progress);
        deleteIncomplete();
        if (isCommitted(name)) {
            try {
                open(name);
                throw new FileAlreadyExistsException(
                        store.locationOf(name), null, "a valid checkpoint of this position exists");
            } catch (InvalidTrainingCheckpointException e) {
                logger.warn(
                        "Deleting the damaged checkpoint {} to save that position again: {}",
                        store.locationOf(name),
                        e.getMessage());
                delete(name);
            }
        }
        StoredCheckpointFiles files = new StoredCheckpointFiles(store, name);
        // the manifest names one object per tensor file: they are never sharded
        WriteOptions single = options.unsharded();
        try {
            Map<String, FileEntry> entries = new LinkedHashMap<>();
            entries.put(
                    TrainingCheckpoint.PARAMETERS_FILE,
                    entry(
                            StoredNDArrays.save(
                                    store,
                                    files.keyOf(TrainingCheckpoint.PARAMETERS_FILE),
                                    snapshot.getParameters(),
                                    TrainingCheckpoint.parametersFileMetadata(),
                                    single)));
            OptimizerState optimizerState = snapshot.getOptimizerState();
            entries.put(
                    TrainingCheckpoint.OPTIMIZER_FILE,
                    entry(
                            StoredNDArrays.save(
                                    store,
                                    files.keyOf(TrainingCheckpoint.OPTIMIZER_FILE),
                                    optimizerState.getTensors(),
                                    TrainingCheckpoint.optimizerFileMetadata(optimizerState),
                                    single)));
            entries.put(
                    TrainingStateJson.FILE_NAME,
                    entry(
                            writeText(
                                    files.keyOf(TrainingStateJson.FILE_NAME),
                                    TrainingStateJson.render(progress, optimizerState))));
            TrainingCheckpointManifest manifest =
                    TrainingCheckpointManifest.forSave(progress, metadata, entries);
            writeText(files.keyOf(TrainingCheckpointManifest.FILE_NAME), manifest.toJson());
        } catch (IOException | RuntimeException e) {
            try {
                store.deleteAll(name + "/");
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        logger.debug("Committed training checkpoint {}", store.locationOf(name));
        return root.resolve(name);
    }

    /** Deletes the incomplete checkpoints; a failure is logged, and left to the next save. */
    private void deleteIncomplete() {
        try {
            for (String stale : incomplete()) {
                logger.warn("Deleting the incomplete checkpoint {}", store.locationOf(stale + "/"));
                store.deleteAll(stale + "/");
            }
        } catch (IOException e) {
            logger.warn(
                    "Could not delete the incomplete checkpoints of {}: {}", store, e.toString());
        }
    }

    private WrittenObject writeText(String key, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return store.write(key, channel -> channel.write(ByteBuffer.wrap(bytes)));
    }

    private static FileEntry entry(WrittenObject written) {
        return new FileEntry(written.size(), written.crc32c());
    }

    @Override
    public void delete(Path checkpoint) throws IOException {
        delete(checkpoint.getFileName().toString());
    }

    /** Deletes a checkpoint: its manifest first (it stops being one), then its files. */
    private void delete(String name) throws IOException {
        store.delete(name + "/" + TrainingCheckpointManifest.FILE_NAME);
        store.deleteAll(name + "/");
    }

    /**
     * Deletes every checkpoint positioned after a name (a bucket cannot rename them aside).
     *
     * @return their paths
     */
    @Override
    public List<Path> removeAfter(String name) throws IOException {
        List<Path> later = new ArrayList<>();
        for (String found : scan().tailMap(name, false).keySet()) {
            delete(found);
            later.add(root.resolve(found));
            logger.warn(
                    "Deleted checkpoint {}: it lies after {}, where the run resumes (not valid, or"
                            + " on an abandoned timeline); training saves that position again",
                    store.locationOf(found),
                    name);
        }
        return later;
    }

    @Override
    public long sizeOf(Path checkpoint) throws IOException {
        String name = checkpoint.getFileName().toString();
        String json =
                new StoredCheckpointFiles(store, name)
                        .readText(
                                TrainingCheckpointManifest.FILE_NAME,
                                TrainingCheckpoint.MAX_MANIFEST_BYTES);
        return TrainingCheckpointManifest.totalBytes(root.resolve(name), json);
    }
}
