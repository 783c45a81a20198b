/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;

/**
 * Where the checkpoints of a {@link CheckpointDirectory} live, and how each of its file operations
 * is done there: a local directory with atomic rename ({@link LocalCheckpoints}) or a store without
 * rename, a bucket ({@link StoreCheckpoints}).
 *
 * <p>{@link CheckpointDirectory} checks its arguments (a name that is a checkpoint's name, a path
 * inside its root) and delegates here; each method does what the public method of the same job
 * documents. A {@link Path} argument is a checkpoint of the directory, as the caller gave it.
 */
interface CheckpointBackend extends Closeable {

    /** See {@link CheckpointDirectory#locationOf}. */
    String locationOf(Path checkpoint);

    /** See {@link CheckpointDirectory#listIncomplete}. */
    List<Path> listIncomplete() throws IOException;

    /** See {@link CheckpointDirectory#exists}. */
    boolean exists(Path checkpoint);

    /** See {@link CheckpointDirectory#lock}. */
    DirectoryLock lock() throws IOException;

    /**
     * Opens and verifies the checkpoint of a checkpoint's name (see {@link
     * CheckpointDirectory#open(String)}).
     */
    TrainingCheckpoint open(String name) throws InvalidTrainingCheckpointException;

    /** Where the files of the checkpoint of a name are read from. */
    CheckpointFiles filesOf(String name);

    /** See {@link CheckpointDirectory#findLatestValid()}. */
    Optional<TrainingCheckpoint> findLatestValid() throws IOException;

    /** See {@link CheckpointDirectory#findLatestValid(Consumer)}. */
    Optional<TrainingCheckpoint> findLatestValid(
            Consumer<InvalidTrainingCheckpointException> onSkipped) throws IOException;

    /** See {@link CheckpointDirectory#save(TrainingSnapshot, Map, WriteOptions)}. */
    Path save(TrainingSnapshot snapshot, Map<String, String> metadata, WriteOptions options)
            throws IOException;

    /** Deletes a committed checkpoint (see {@link CheckpointDirectory#delete}). */
    void delete(Path checkpoint) throws IOException;

    /** See {@link CheckpointDirectory#list}. */
    List<CheckpointDirectory.Listed> list() throws IOException;

    /**
     * Takes out of the directory every checkpoint named after a name: moved aside in a directory,
     * deleted in a bucket (see {@link CheckpointDirectory#moveAsideAfter}).
     *
     * @param name the name of the position the run resumes at
     * @return the checkpoints taken out (their former paths)
     */
    List<Path> removeAfter(String name) throws IOException;

    /** See {@link CheckpointDirectory#readLatest}. */
    Optional<Path> readLatest() throws IOException;

    /**
     * Points {@code latest} at the checkpoint of a name, unconditionally.
     *
     * @param name the checkpoint's name
     */
    void writeLatest(String name) throws IOException;

    /** See {@link CheckpointDirectory#sizeOf}. */
    long sizeOf(Path checkpoint) throws IOException;

    /** Closes what the directory owns (see {@link CheckpointDirectory#close}). */
    @Override
    void close();

    /** Describes where the checkpoints are: the root path, or the store's location. */
    @Override
    String toString();
}
