/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest.FileEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves training checkpoints into a directory of checkpoints, finds the newest valid one and
 * resumes from it.
 *
 * <p>Each checkpoint is a subdirectory named {@code step-<step>-epoch-<epoch>-batch-<batch>}
 * (zero-padded, so names sort by position), committed atomically: its files are written into a
 * temporary directory ({@code .<name>.<pid>-<random>.tmp}), each fsynced, the manifest last; the
 * temporary directory is fsynced and renamed into place, and the parent fsynced. A directory
 * without a valid manifest is never loaded.
 *
 * <p>These are the static shortcuts of a {@link CheckpointDirectory} on a local path: {@code
 * CheckpointDirectories.save(root, snapshot, metadata)} is {@code
 * CheckpointDirectory.of(root).save(snapshot, metadata)}. The object also locks the directory,
 * lists it and lives on a store as well.
 */
public final class CheckpointDirectories {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointDirectories.class);

    private static final Pattern NAME =
            Pattern.compile("step-(\\d{12})-epoch-(\\d{6})-batch-(\\d{9})");

    /** Between a damaged checkpoint's name and the time it was moved aside. */
    static final String DAMAGED_INFIX = ".damaged-";

    private static final DateTimeFormatter DAMAGED_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private CheckpointDirectories() {}

    /**
     * Tells whether a file name is a checkpoint directory's name ({@code step-<12 digits>-epoch-<6
     * digits>-batch-<9 digits>}, as {@link #directoryName}); the names of temporary, damaged or
     * abandoned directories are not.
     *
     * @param fileName a file name
     * @return true for a checkpoint directory's name
     */
    public static boolean isCheckpointName(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    /**
     * Returns the directory name of the checkpoint at a position.
     *
     * @param progress the position
     * @return e.g. {@code step-000000000010-epoch-000001-batch-000000003}
     */
    public static String directoryName(TrainingProgress progress) {
        return String.format(
                "step-%012d-epoch-%06d-batch-%09d",
                progress.globalStep(), progress.epoch(), progress.batchInEpoch());
    }

    /**
     * Captures a trainer and saves the capture as a checkpoint, on the calling thread.
     *
     * @param root the directory of checkpoints, created if absent
     * @param trainer the trainer, between steps
     * @param progress where the run stands
     * @param metadata user metadata to record in the manifest
     * @return the committed checkpoint directory
     * @throws IOException if the checkpoint cannot be written; nothing is then committed
     */
    public static Path save(
            Path root, Trainer trainer, TrainingProgress progress, Map<String, String> metadata)
            throws IOException {
        try (TrainingSnapshot snapshot = TrainingSnapshot.capture(trainer, progress)) {
            return save(root, snapshot, metadata);
        }
    }

    /**
     * Saves a snapshot as a checkpoint, committed atomically; safe to call from a thread other than
     * the training thread.
     *
     * @param root the directory of checkpoints, created if absent
     * @param snapshot the snapshot to save
     * @param metadata user metadata to record in the manifest
     * @return the committed checkpoint directory
     * @throws FileAlreadyExistsException if a valid checkpoint of the same position exists; a
     *     directory of that name that is not a valid checkpoint is moved aside (renamed to {@code
     *     .<name>.damaged-<timestamp>}, kept for inspection, logged as a warning) and the position
     *     saved again
     * @throws IOException if the checkpoint cannot be written; nothing is then committed
     */
    public static Path save(Path root, TrainingSnapshot snapshot, Map<String, String> metadata)
            throws IOException {
        return save(root, snapshot, metadata, WriteOptions.defaults());
    }

    /**
     * Saves a snapshot as a checkpoint with options for its two tensor files (durability,
     * compression), committed atomically; safe to call from a thread other than the training
     * thread.
     *
     * @param root the directory of checkpoints, created if absent
     * @param snapshot the snapshot to save
     * @param metadata user metadata to record in the manifest
     * @param options how the parameter and optimizer files are written
     * @return the committed checkpoint directory
     * @throws IOException if the checkpoint cannot be written; nothing is then committed
     */
    public static Path save(
            Path root,
            TrainingSnapshot snapshot,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(metadata, "metadata");
        Files.createDirectories(root);
        AtomicFiles.deleteStaleTemporaries(root, null);
        TrainingProgress progress = snapshot.getProgress();
        String name = directoryName(progress);
        Path target = root.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            moveAsideIfDamaged(root, target);
        }
        // the manifest names one file per tensor file: they are never sharded
        WriteOptions single = options.unsharded();
        Path temp = root.resolve(AtomicFiles.temporaryName(name));
        Files.createDirectory(temp);
        try {
            NDArrayFiles.save(
                    temp.resolve(TrainingCheckpoint.PARAMETERS_FILE),
                    snapshot.getParameters(),
                    TrainingCheckpoint.parametersFileMetadata(),
                    single);
            OptimizerState optimizerState = snapshot.getOptimizerState();
            NDArrayFiles.save(
                    temp.resolve(TrainingCheckpoint.OPTIMIZER_FILE),
                    optimizerState.getTensors(),
                    TrainingCheckpoint.optimizerFileMetadata(optimizerState),
                    single);
            byte[] state =
                    TrainingStateJson.render(progress, optimizerState)
                            .getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(
                    temp.resolve(TrainingStateJson.FILE_NAME),
                    channel -> channel.write(java.nio.ByteBuffer.wrap(state)),
                    true);
            Map<String, FileEntry> files = new LinkedHashMap<>();
            for (String file : TrainingCheckpoint.REQUIRED_FILES) {
                files.put(file, TrainingCheckpoint.describe(temp.resolve(file)));
            }
            TrainingCheckpointManifest manifest =
                    TrainingCheckpointManifest.forSave(progress, metadata, files);
            byte[] manifestBytes = manifest.toJson().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(
                    temp.resolve(TrainingCheckpointManifest.FILE_NAME),
                    channel -> channel.write(java.nio.ByteBuffer.wrap(manifestBytes)),
                    true);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteRecursively(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        AtomicFiles.fsyncDirectory(root);
        logger.debug("Committed training checkpoint {}", target);
        return target;
    }

    /**
     * Makes room for a checkpoint whose position already has a directory: a valid checkpoint is
     * refused, anything else (damaged, half-copied, not a checkpoint) is renamed to {@code
     * .<name>.damaged-<timestamp>}, which {@link #findLatestValid} ignores and no save deletes, so
     * that it stays for inspection while the run saves past it.
     */
    private static void moveAsideIfDamaged(Path root, Path target) throws IOException {
        InvalidTrainingCheckpointException why;
        try {
            openAt(target);
            throw new FileAlreadyExistsException(
                    target.toString(), null, "a valid checkpoint of this position exists");
        } catch (InvalidTrainingCheckpointException e) {
            why = e;
        }
        Path aside =
                root.resolve(
                        "."
                                + target.getFileName()
                                + DAMAGED_INFIX
                                + DAMAGED_STAMP.format(Instant.now()));
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(root);
        logger.warn(
                "Moved the damaged checkpoint {} aside to {}, to save that position again: {}",
                target,
                aside.getFileName(),
                why.getMessage());
    }

    /**
     * Opens a checkpoint and checks that its manifest records the position its directory is named
     * after.
     */
    static TrainingCheckpoint openAt(Path candidate) throws InvalidTrainingCheckpointException {
        return requireNamedPosition(
                TrainingCheckpoint.open(candidate),
                candidate,
                candidate.getFileName().toString(),
                "directory");
    }

    /**
     * Checks that an opened checkpoint records the position its name says, in a directory or a
     * bucket.
     *
     * @param checkpoint the checkpoint
     * @param label its path, for the message
     * @param name its name
     * @param holder what holds it, for the message: {@code directory} or {@code checkpoint}
     * @return the checkpoint
     * @throws InvalidTrainingCheckpointException if its manifest records another position
     */
    static TrainingCheckpoint requireNamedPosition(
            TrainingCheckpoint checkpoint, Path label, String name, String holder)
            throws InvalidTrainingCheckpointException {
        String expected = directoryName(checkpoint.getProgress());
        if (!expected.equals(name)) {
            throw new InvalidTrainingCheckpointException(
                    InvalidTrainingCheckpointException.Kind.MALFORMED_MANIFEST,
                    label,
                    TrainingCheckpointManifest.FILE_NAME,
                    "records " + expected + ", not the " + holder + "'s position");
        }
        return checkpoint;
    }

    /**
     * Tells whether a manifest records the position a checkpoint's name says (a listing skips one
     * that does not).
     *
     * @param manifest the manifest
     * @param name the checkpoint's name
     * @return true if they agree
     */
    static boolean recordsPositionOf(TrainingCheckpointManifest manifest, String name) {
        return directoryName(CheckpointDirectory.positionOf(manifest)).equals(name);
    }

    /**
     * Finds the newest valid checkpoint, logging a warning for each newer one skipped and why.
     *
     * @param root the directory of checkpoints
     * @return the newest valid checkpoint, or empty if there is none (or no directory)
     * @throws IOException if the directory cannot be listed
     */
    public static Optional<TrainingCheckpoint> findLatestValid(Path root) throws IOException {
        return findLatestValid(
                root, e -> logger.warn("Skipping training checkpoint: {}", e.getMessage()));
    }

    /**
     * Finds the newest valid checkpoint, reporting each newer one skipped.
     *
     * <p>Candidates are the subdirectories named like {@link #directoryName}, newest position
     * first. Temporary directories of saves in progress or interrupted are reported as skipped
     * (never committed); other entries of the directory are ignored.
     *
     * @param root the directory of checkpoints
     * @param onSkipped told about each checkpoint skipped, with the reason
     * @return the newest valid checkpoint, or empty if there is none (or no directory)
     * @throws IOException if the directory cannot be listed
     */
    public static Optional<TrainingCheckpoint> findLatestValid(
            Path root, Consumer<InvalidTrainingCheckpointException> onSkipped) throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path path : stream) {
                String fileName = path.getFileName().toString();
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (NAME.matcher(fileName).matches()) {
                    candidates.add(path);
                } else if (AtomicFiles.isTemporaryName(fileName)) {
                    onSkipped.accept(
                            new InvalidTrainingCheckpointException(
                                    InvalidTrainingCheckpointException.Kind.MISSING_MANIFEST,
                                    path,
                                    TrainingCheckpointManifest.FILE_NAME,
                                    "a temporary directory: the save was interrupted or is in"
                                            + " progress"));
                }
            }
        }
        candidates.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path candidate : candidates) {
            try {
                return Optional.of(openAt(candidate));
            } catch (InvalidTrainingCheckpointException e) {
                onSkipped.accept(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes a committed checkpoint of a directory of checkpoints. The checkpoint is first renamed
     * to a temporary name, atomically, so that it stops being a candidate at once; a crash during
     * the deletion leaves a temporary directory that the next save removes.
     *
     * @param checkpoint the checkpoint directory, named like {@link #directoryName}
     * @throws IllegalArgumentException if the directory is not named like a checkpoint
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws IOException if it cannot be renamed or deleted
     */
    public static void delete(Path checkpoint) throws IOException {
        String name = checkpoint.getFileName().toString();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    checkpoint + " is not named like a training checkpoint");
        }
        Path root = checkpoint.toAbsolutePath().getParent();
        Path doomed = root.resolve(AtomicFiles.temporaryName(name));
        Files.move(checkpoint, doomed, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(root);
        AtomicFiles.deleteRecursively(doomed);
    }
}
