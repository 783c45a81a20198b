/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.mlodyssey.djl.checkpoint.format.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of training checkpoints, and every file operation on it: checkpoint names, listing,
 * finding the newest valid checkpoint, saving, deleting, moving checkpoints aside, the {@code
 * latest} pointer ({@link LatestPointer}) and the writer's lock ({@code .lock}).
 *
 * <p>Creating one does no I/O. The layout of one checkpoint and its atomic commit are {@link
 * TrainingCheckpoints}'s.
 */
public final class CheckpointDirectory {

    /** The lock file's name: {@code .lock}, held while a run writes into the directory. */
    public static final String LOCK_FILE = DirectoryLock.FILE_NAME;

    private static final Logger logger = LoggerFactory.getLogger(CheckpointDirectory.class);

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Path root;

    private CheckpointDirectory(Path root) {
        this.root = root;
    }

    /**
     * Names a directory of checkpoints; it need not exist.
     *
     * @param root the directory
     * @return the directory of checkpoints, with an absolute, normalized root
     */
    public static CheckpointDirectory of(Path root) {
        return new CheckpointDirectory(
                Objects.requireNonNull(root, "root").toAbsolutePath().normalize());
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
        return root.resolve(TrainingCheckpoints.directoryName(position));
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
                && TrainingCheckpoints.isCheckpointName(dir.getFileName().toString());
    }

    /**
     * Tells whether a checkpoint directory exists (as a directory, not a link).
     *
     * @param checkpoint the checkpoint directory
     * @return true if it exists
     */
    public boolean exists(Path checkpoint) {
        return Files.isDirectory(checkpoint, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Locks the directory for writing, creating it if absent; see {@link
     * CheckpointDirectoryLockedException}. A lock a dead process left is taken over with a warning.
     *
     * @return the lock; close it to release
     * @throws CheckpointDirectoryLockedException if another run holds it
     * @throws IOException if the lock file cannot be created or written
     */
    public DirectoryLock lock() throws IOException {
        return DirectoryLock.acquire(root);
    }

    /**
     * Finds the newest valid checkpoint, logging a warning for each newer one skipped.
     *
     * @return the newest valid checkpoint, or empty
     * @throws IOException if the directory cannot be listed
     */
    public Optional<TrainingCheckpoint> findLatestValid() throws IOException {
        return TrainingCheckpoints.findLatestValid(root);
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
        return TrainingCheckpoints.findLatestValid(root, onSkipped);
    }

    /**
     * Saves a snapshot as a checkpoint, committed atomically ({@link TrainingCheckpoints#save}).
     *
     * @param snapshot the snapshot
     * @param metadata user metadata for the manifest
     * @return the committed checkpoint directory
     * @throws IOException if nothing could be committed
     */
    public Path save(TrainingSnapshot snapshot, Map<String, String> metadata) throws IOException {
        return TrainingCheckpoints.save(root, snapshot, metadata);
    }

    /**
     * Deletes a committed checkpoint of this directory ({@link TrainingCheckpoints#delete}).
     *
     * @param checkpoint the checkpoint directory
     * @throws IllegalArgumentException if it is not a checkpoint of this directory
     * @throws IOException if it cannot be deleted
     */
    public void delete(Path checkpoint) throws IOException {
        if (!contains(checkpoint)) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint of " + root);
        }
        TrainingCheckpoints.delete(checkpoint);
    }

    /**
     * Lists the checkpoint directories whose manifest names their position; a manifest that cannot
     * be parsed is logged as a warning and skipped. The files are not verified.
     *
     * @return the checkpoints, sorted by position
     * @throws IOException if the directory cannot be listed
     */
    public List<Listed> list() throws IOException {
        List<Listed> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        for (Path dir : checkpointDirectories()) {
            Path manifestFile = dir.resolve(TrainingCheckpointManifest.FILE_NAME);
            if (!Files.isRegularFile(manifestFile)) {
                continue;
            }
            TrainingCheckpointManifest manifest;
            try {
                manifest =
                        TrainingCheckpointManifest.parse(
                                dir, Files.readString(manifestFile, StandardCharsets.UTF_8));
            } catch (InvalidTrainingCheckpointException e) {
                logger.warn("Ignoring {}: {}", dir, e.getMessage());
                continue;
            }
            if (TrainingCheckpoints.directoryName(positionOf(manifest))
                    .equals(dir.getFileName().toString())) {
                found.add(new Listed(dir, manifest));
            }
        }
        return found;
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

    /** The checkpoint-named subdirectories, sorted by name (that is, by position). */
    private List<Path> checkpointDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path dir : stream) {
                if (TrainingCheckpoints.isCheckpointName(dir.getFileName().toString())
                        && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(dir);
                }
            }
        }
        Collections.sort(dirs);
        return dirs;
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
        List<Path> later = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return later;
        }
        String name = TrainingCheckpoints.directoryName(position);
        for (Path dir : checkpointDirectories()) {
            if (dir.getFileName().toString().compareTo(name) > 0) {
                later.add(dir);
            }
        }
        if (later.isEmpty()) {
            return later;
        }
        String stamp = STAMP.format(Instant.now());
        for (Path dir : later) {
            Path aside = root.resolve("." + dir.getFileName() + ".abandoned-" + stamp);
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            logger.warn(
                    "Moved checkpoint {} aside to {}: it lies after {}, where the run resumes"
                            + " (not valid, or on an abandoned timeline); training saves that"
                            + " position again",
                    dir,
                    aside.getFileName(),
                    name);
        }
        AtomicFiles.fsyncDirectory(root);
        return later;
    }

    /**
     * Reads the {@code latest} pointer.
     *
     * @return the checkpoint directory it names, or empty if there is none
     * @throws IOException if it cannot be read or names no plain directory name
     */
    public Optional<Path> readLatest() throws IOException {
        return LatestPointer.read(root);
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
        if (!contains(checkpoint)) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint of " + root);
        }
        Optional<Path> named;
        try {
            named = readLatest();
        } catch (IOException e) {
            named = Optional.empty();
        }
        String name = checkpoint.getFileName().toString();
        if (named.isEmpty() || !named.get().getFileName().toString().equals(name)) {
            LatestPointer.write(root, root.resolve(name));
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
        String json =
                Files.readString(
                        checkpoint.resolve(TrainingCheckpointManifest.FILE_NAME),
                        StandardCharsets.UTF_8);
        long total = json.getBytes(StandardCharsets.UTF_8).length;
        for (TrainingCheckpointManifest.FileEntry file :
                TrainingCheckpointManifest.parse(checkpoint, json).files().values()) {
            total += file.size();
        }
        return total;
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
