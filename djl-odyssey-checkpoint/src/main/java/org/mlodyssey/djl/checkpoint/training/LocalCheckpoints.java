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
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listing and moving of the training checkpoints of a local directory, for {@link
 * CheckpointDirectory}; {@link StoreCheckpoints} does the same on a bucket.
 */
final class LocalCheckpoints {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointDirectory.class);

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private LocalCheckpoints() {}

    /** See {@link CheckpointDirectory#list()}. */
    static List<CheckpointDirectory.Listed> list(Path root) throws IOException {
        List<CheckpointDirectory.Listed> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        for (Path dir : checkpointDirectories(root)) {
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
            if (CheckpointDirectories.directoryName(CheckpointDirectory.positionOf(manifest))
                    .equals(dir.getFileName().toString())) {
                found.add(new CheckpointDirectory.Listed(dir, manifest));
            }
        }
        return found;
    }

    /** The checkpoint-named directories without a manifest. */
    static List<Path> incomplete(Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(root)) {
            for (Path dir : checkpointDirectories(root)) {
                if (!Files.exists(dir.resolve(TrainingCheckpointManifest.FILE_NAME))) {
                    found.add(dir);
                }
            }
        }
        return found;
    }

    /** The checkpoint-named subdirectories, sorted by name (that is, by position). */
    private static List<Path> checkpointDirectories(Path root) throws IOException {
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

    /** See {@link CheckpointDirectory#moveAsideAfter}. */
    static List<Path> moveAsideAfter(Path root, String name) throws IOException {
        List<Path> later = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return later;
        }
        for (Path dir : checkpointDirectories(root)) {
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
