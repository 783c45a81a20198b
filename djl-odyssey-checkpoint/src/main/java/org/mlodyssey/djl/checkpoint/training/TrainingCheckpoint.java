/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest.FileEntry;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * A committed training checkpoint directory whose manifest and files have been verified.
 *
 * <p>Layout (see {@code docs/training-checkpoints.md}): {@value #PARAMETERS_FILE} (parameters by
 * stable name), {@value #OPTIMIZER_FILE} (optimizer tensors), {@code trainer-state.json} (progress,
 * seed, metric history, optimizer counters) and {@code manifest.json}, written last.
 */
public final class TrainingCheckpoint {

    /** The parameters file, in the named-tensor format. */
    public static final String PARAMETERS_FILE = "parameters.safetensors";

    /** The optimizer tensors file, in the named-tensor format. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";

    /** The metadata written into the parameters file. */
    static Map<String, String> parametersFileMetadata() {
        return Map.of("training.content", "parameters");
    }

    /**
     * The metadata written into the optimizer tensors file.
     *
     * @param state the optimizer state the file holds
     */
    static Map<String, String> optimizerFileMetadata(OptimizerState state) {
        return Map.of(
                "training.content",
                "optimizer",
                "training.optimizer_class",
                state.getOptimizerClass());
    }

    /**
     * The largest manifest (and trainer state file) read, in bytes (16 MiB); a real manifest is a
     * few hundred bytes.
     */
    static final int MAX_MANIFEST_BYTES = 16 << 20;

    static final List<String> REQUIRED_FILES =
            List.of(PARAMETERS_FILE, OPTIMIZER_FILE, TrainingStateJson.FILE_NAME);

    private final Path directory;
    private final CheckpointFiles files;
    private final TrainingCheckpointManifest manifest;
    private final TrainingStateJson.Content state;

    private TrainingCheckpoint(
            Path directory,
            CheckpointFiles files,
            TrainingCheckpointManifest manifest,
            TrainingStateJson.Content state) {
        this.directory = directory;
        this.files = files;
        this.manifest = manifest;
        this.state = state;
    }

    /**
     * Opens a checkpoint directory, verifying the manifest and the size and CRC32C of every file it
     * lists.
     *
     * @param directory the checkpoint directory
     * @return the verified checkpoint
     * @throws InvalidTrainingCheckpointException if the directory must not be loaded, saying why; a
     *     file that cannot be read (a directory, access denied, an I/O error) is {@link
     *     Kind#UNREADABLE_FILE}, so that {@link CheckpointDirectories#findLatestValid} skips it
     */
    public static TrainingCheckpoint open(Path directory)
            throws InvalidTrainingCheckpointException {
        return open(directory, new CheckpointFiles.Local(directory));
    }

    /**
     * Opens a checkpoint whose files are read through {@code files}, verifying it as {@link
     * #open(Path)} does.
     *
     * @param directory names the checkpoint in messages and {@link #getDirectory()}
     * @param files where its files are
     * @return the verified checkpoint
     * @throws InvalidTrainingCheckpointException if the checkpoint must not be loaded, saying why
     */
    static TrainingCheckpoint open(Path directory, CheckpointFiles files)
            throws InvalidTrainingCheckpointException {
        TrainingCheckpointManifest manifest = readManifest(directory, files);
        for (String required : REQUIRED_FILES) {
            if (!manifest.files().containsKey(required)) {
                throw new InvalidTrainingCheckpointException(
                        Kind.MALFORMED_MANIFEST,
                        directory,
                        TrainingCheckpointManifest.FILE_NAME,
                        "does not list the required file " + required);
            }
        }
        for (Map.Entry<String, FileEntry> entry : manifest.files().entrySet()) {
            verifyFile(directory, files, entry.getKey(), entry.getValue());
        }
        TrainingStateJson.Content state = readTrainerState(directory, files);
        TrainingProgress p = state.progress();
        if (p.globalStep() != manifest.globalStep()
                || p.epoch() != manifest.epoch()
                || p.batchInEpoch() != manifest.batchInEpoch()) {
            throw new InvalidTrainingCheckpointException(
                    Kind.MALFORMED_TRAINER_STATE,
                    directory,
                    TrainingStateJson.FILE_NAME,
                    "position (step "
                            + p.globalStep()
                            + ", epoch "
                            + p.epoch()
                            + ", batch "
                            + p.batchInEpoch()
                            + ") disagrees with the manifest's (step "
                            + manifest.globalStep()
                            + ", epoch "
                            + manifest.epoch()
                            + ", batch "
                            + manifest.batchInEpoch()
                            + ")");
        }
        return new TrainingCheckpoint(directory, files, manifest, state);
    }

    /**
     * Reads and parses a checkpoint's manifest: at most {@link #MAX_MANIFEST_BYTES} of strict UTF-8
     * from a regular file (see {@link BoundedFiles}).
     *
     * <p>This is how every reader of a manifest gets it, the command line's included: {@link #open}
     * then checks the files it lists.
     *
     * @param directory the checkpoint directory
     * @return the manifest, not yet checked against the other files
     * @throws InvalidTrainingCheckpointException if the manifest is missing, not a regular file,
     *     too large or malformed
     */
    public static TrainingCheckpointManifest readManifest(Path directory)
            throws InvalidTrainingCheckpointException {
        return readManifest(directory, new CheckpointFiles.Local(directory));
    }

    static TrainingCheckpointManifest readManifest(Path directory, CheckpointFiles files)
            throws InvalidTrainingCheckpointException {
        String name = TrainingCheckpointManifest.FILE_NAME;
        String json =
                readText(
                        directory,
                        files,
                        name,
                        Kind.MALFORMED_MANIFEST,
                        Kind.MISSING_MANIFEST,
                        "no manifest: the checkpoint was never committed");
        return TrainingCheckpointManifest.parse(directory, json);
    }

    /**
     * Reads and parses a checkpoint's trainer state file, bounded as the manifest.
     *
     * @param directory the checkpoint directory
     * @return the content
     * @throws InvalidTrainingCheckpointException if the file is missing, not a regular file, too
     *     large or malformed
     */
    static TrainingStateJson.Content readTrainerState(Path directory)
            throws InvalidTrainingCheckpointException {
        return readTrainerState(directory, new CheckpointFiles.Local(directory));
    }

    private static TrainingStateJson.Content readTrainerState(Path directory, CheckpointFiles files)
            throws InvalidTrainingCheckpointException {
        String json =
                readText(
                        directory,
                        files,
                        TrainingStateJson.FILE_NAME,
                        Kind.MALFORMED_TRAINER_STATE,
                        Kind.MISSING_FILE,
                        "listed in the manifest but absent");
        return TrainingStateJson.parse(directory, json);
    }

    /**
     * Reads one of a checkpoint's JSON files with {@link BoundedFiles}, turning each way it can
     * fail into the reason a caller acts on.
     */
    private static String readText(
            Path directory,
            CheckpointFiles files,
            String name,
            Kind malformed,
            Kind missing,
            String missingDetail)
            throws InvalidTrainingCheckpointException {
        try {
            return files.readText(name, MAX_MANIFEST_BYTES);
        } catch (NoSuchFileException e) {
            throw new InvalidTrainingCheckpointException(
                    missing, directory, name, missingDetail, e);
        } catch (BoundedReadException e) {
            switch (e.getKind()) {
                case TOO_LARGE:
                    throw new InvalidTrainingCheckpointException(
                            malformed == Kind.MALFORMED_MANIFEST
                                    ? Kind.MANIFEST_TOO_LARGE
                                    : malformed,
                            directory,
                            name,
                            "is more than "
                                    + MAX_MANIFEST_BYTES
                                    + " bytes, the most this file may have",
                            e);
                case INVALID_UTF8:
                    throw new InvalidTrainingCheckpointException(
                            malformed,
                            directory,
                            name,
                            "not valid UTF-8 (first bad byte at offset " + e.getOffset() + ")",
                            e);
                default:
                    throw unreadable(directory, name, e);
            }
        } catch (IOException e) {
            throw unreadable(directory, name, e);
        }
    }

    private static InvalidTrainingCheckpointException unreadable(
            Path directory, String name, IOException cause) {
        String why =
                cause instanceof BoundedReadException
                        ? "is not a regular file (a directory, FIFO or device)"
                        : "cannot be read: " + cause;
        return new InvalidTrainingCheckpointException(
                Kind.UNREADABLE_FILE, directory, name, why, cause);
    }

    static FileEntry describe(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new FileEntry(size, (int) crc.getValue());
    }

    static void verifyFile(Path directory, CheckpointFiles files, String name, FileEntry expected)
            throws InvalidTrainingCheckpointException {
        OptionalLong found;
        try {
            found = files.size(name);
        } catch (IOException e) {
            throw unreadable(directory, name, e);
        }
        if (found.isEmpty()) {
            throw new InvalidTrainingCheckpointException(
                    Kind.MISSING_FILE, directory, name, "listed in the manifest but absent");
        }
        long size = found.getAsLong();
        FileEntry actual;
        try {
            actual = size == expected.size() ? new FileEntry(size, files.crc32c(name)) : null;
        } catch (IOException e) {
            throw unreadable(directory, name, e);
        }
        if (size != expected.size()) {
            throw new InvalidTrainingCheckpointException(
                    Kind.SIZE_MISMATCH,
                    directory,
                    name,
                    "is " + size + " bytes, the manifest records " + expected.size());
        }
        if (actual.crc32c() != expected.crc32c()) {
            throw new InvalidTrainingCheckpointException(
                    Kind.CHECKSUM_MISMATCH,
                    directory,
                    name,
                    String.format(
                            "CRC32C is %08x, the manifest records %08x",
                            actual.crc32c(), expected.crc32c()));
        }
    }

    /**
     * Returns the checkpoint directory.
     *
     * @return the directory
     */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Returns the verified manifest.
     *
     * @return the manifest
     */
    public TrainingCheckpointManifest getManifest() {
        return manifest;
    }

    /**
     * Returns where the run stood when the checkpoint was taken.
     *
     * @return the progress
     */
    public TrainingProgress getProgress() {
        return state.progress();
    }

    /**
     * Loads the checkpoint into host memory.
     *
     * @return the snapshot, which the caller closes
     * @throws IOException if a tensor file is unreadable or damaged
     */
    public TrainingSnapshot loadSnapshot() throws IOException {
        NDManager parameterManager = NDManager.newBaseManager(Device.cpu());
        NDManager optimizerManager = NDManager.newBaseManager(Device.cpu());
        try {
            Map<String, NDArray> parameters = files.load(PARAMETERS_FILE, parameterManager);
            Map<String, NDArray> optimizerTensors = files.load(OPTIMIZER_FILE, optimizerManager);
            OptimizerState optimizerState =
                    new OptimizerState(
                            state.optimizerClass(),
                            state.counters(),
                            optimizerTensors,
                            optimizerManager);
            return new TrainingSnapshot(
                    state.progress(), parameters, optimizerState, parameterManager);
        } catch (IOException | RuntimeException e) {
            optimizerManager.close();
            parameterManager.close();
            throw e;
        }
    }

    /**
     * Restores this checkpoint into a trainer built like the one that was saved: parameters
     * (strictly), optimizer state (built-in adapters) and returns the progress to resume from.
     *
     * @param trainer the trainer, initialized, before its first step
     * @return the progress to pass to {@link ResumableTrainingLoop#fit}
     * @throws IOException if a tensor file is unreadable or damaged
     * @throws IncompatibleCheckpointException if the checkpoint does not fit the trainer
     */
    public TrainingProgress restoreInto(Trainer trainer) throws IOException {
        return restoreInto(trainer, OptimizerStateAdapters.builtIn(), ParameterLoadMode.STRICT);
    }

    /**
     * Restores this checkpoint into a trainer built like the one that was saved.
     *
     * @param trainer the trainer, initialized, before its first step
     * @param adapters the optimizer state adapters to choose from
     * @param mode how parameters that do not match are treated
     * @return the progress to pass to {@link ResumableTrainingLoop#fit}
     * @throws IOException if a tensor file is unreadable or damaged
     * @throws IncompatibleCheckpointException if the checkpoint does not fit the trainer
     */
    public TrainingProgress restoreInto(
            Trainer trainer, OptimizerStateAdapters adapters, ParameterLoadMode mode)
            throws IOException {
        try (TrainingSnapshot snapshot = loadSnapshot()) {
            return snapshot.restoreInto(
                    trainer, adapters, mode, directory.resolve(PARAMETERS_FILE).toString());
        }
    }
}
