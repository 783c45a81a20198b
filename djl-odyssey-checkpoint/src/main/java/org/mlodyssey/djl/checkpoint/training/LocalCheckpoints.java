/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.IOException;
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
import java.util.Optional;
import java.util.function.Consumer;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;
import org.mlodyssey.djl.io.BoundedFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training checkpoints of a local directory, for {@link CheckpointDirectory}: listing them and
 * moving them aside here; saving, finding the newest valid one and deleting through {@link
 * CheckpointDirectories}, whose atomic commit by rename they share. {@link StoreCheckpoints} does
 * the same on a bucket.
 */
final class LocalCheckpoints implements CheckpointBackend {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointDirectory.class);

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Path root;

    /**
     * Names the checkpoints of a local directory.
     *
     * @param root the directory, absolute and normalized
     */
    LocalCheckpoints(Path root) {
        this.root = root;
    }

    @Override
    public String locationOf(Path checkpoint) {
        return checkpoint.toString();
    }

    @Override
    public boolean exists(Path checkpoint) {
        return Files.isDirectory(checkpoint, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public DirectoryLock lock() throws IOException {
        return DirectoryLock.acquire(root);
    }

    @Override
    public TrainingCheckpoint open(String name) throws InvalidTrainingCheckpointException {
        return CheckpointDirectories.openAt(root.resolve(name));
    }

    @Override
    public CheckpointFiles filesOf(String name) {
        return new CheckpointFiles.Local(root.resolve(name));
    }

    @Override
    public Optional<TrainingCheckpoint> findLatestValid() throws IOException {
        return CheckpointDirectories.findLatestValid(root);
    }

    @Override
    public Optional<TrainingCheckpoint> findLatestValid(
            Consumer<InvalidTrainingCheckpointException> onSkipped) throws IOException {
        return CheckpointDirectories.findLatestValid(root, onSkipped);
    }

    @Override
    public Path save(TrainingSnapshot snapshot, Map<String, String> metadata, WriteOptions options)
            throws IOException {
        return CheckpointDirectories.save(root, snapshot, metadata, options);
    }

    @Override
    public void delete(Path checkpoint) throws IOException {
        CheckpointDirectories.delete(checkpoint);
    }

    @Override
    public Optional<Path> readLatest() throws IOException {
        return LatestPointer.read(root);
    }

    @Override
    public void writeLatest(String name) throws IOException {
        LatestPointer.write(root, root.resolve(name));
    }

    @Override
    public long sizeOf(Path checkpoint) throws IOException {
        String json =
                BoundedFiles.readUtf8(
                        checkpoint.resolve(TrainingCheckpointManifest.FILE_NAME),
                        TrainingCheckpoint.MAX_MANIFEST_BYTES);
        return TrainingCheckpointManifest.totalBytes(checkpoint, json);
    }

    /** Does nothing: a local directory holds nothing open. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return root.toString();
    }

    @Override
    public List<CheckpointDirectory.Listed> list() throws IOException {
        List<CheckpointDirectory.Listed> found = new ArrayList<>();
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
                // bounded, strict UTF-8: a manifest that lies about its size is skipped, not read
                manifest = TrainingCheckpoint.readManifest(dir);
            } catch (InvalidTrainingCheckpointException e) {
                logger.warn("Ignoring {}: {}", dir, e.getMessage());
                continue;
            }
            if (CheckpointDirectories.recordsPositionOf(manifest, dir.getFileName().toString())) {
                found.add(new CheckpointDirectory.Listed(dir, manifest));
            }
        }
        return found;
    }

    /** The checkpoint-named directories without a manifest. */
    @Override
    public List<Path> listIncomplete() throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(root)) {
            for (Path dir : checkpointDirectories()) {
                if (!Files.exists(dir.resolve(TrainingCheckpointManifest.FILE_NAME))) {
                    found.add(dir);
                }
            }
        }
        return found;
    }

    /** The checkpoint-named subdirectories, sorted by name (that is, by position). */
    private List<Path> checkpointDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path dir : stream) {
                if (CheckpointDirectories.isCheckpointName(dir.getFileName().toString())
                        && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(dir);
                }
            }
        }
        Collections.sort(dirs);
        return dirs;
    }

    /** Moves aside to {@code .<name>.abandoned-<timestamp>}, with a warning for each. */
    @Override
    public List<Path> removeAfter(String name) throws IOException {
        List<Path> later = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return later;
        }
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
}
