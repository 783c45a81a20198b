/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.io.BoundedFiles;

/**
 * Where the files of one training checkpoint are read from: a local directory ({@link Local}) or a
 * prefix of a store ({@link StoredCheckpointFiles}). {@link TrainingCheckpoint} verifies and loads
 * through it, so both are checked by the same rules.
 */
interface CheckpointFiles {

    /**
     * Reads a small text file as strict UTF-8.
     *
     * @param name the file's name in the checkpoint
     * @param maxBytes the largest size accepted
     * @return the text
     * @throws java.nio.file.NoSuchFileException if the file is absent
     * @throws org.mlodyssey.djl.io.BoundedReadException if it is too large, not a regular file or
     *     not UTF-8
     * @throws IOException if reading fails
     */
    String readText(String name, int maxBytes) throws IOException;

    /**
     * Returns a file's size.
     *
     * @param name the file's name in the checkpoint
     * @return the size, or empty when there is no such (regular) file
     * @throws IOException if the lookup fails
     */
    OptionalLong size(String name) throws IOException;

    /**
     * Computes a file's CRC32C, streaming it in bounded memory.
     *
     * @param name the file's name in the checkpoint
     * @return the CRC32C
     * @throws IOException if reading fails
     */
    int crc32c(String name) throws IOException;

    /**
     * Loads a named-tensor file into host memory, verifying its checksums.
     *
     * @param name the file's name in the checkpoint
     * @param manager the manager the arrays are attached to
     * @return the arrays by name
     * @throws IOException if the file is unreadable, malformed or damaged
     */
    Map<String, NDArray> load(String name, NDManager manager) throws IOException;

    /**
     * A checkpoint directory on the local file system.
     *
     * @param directory the checkpoint directory
     */
    record Local(Path directory) implements CheckpointFiles {

        @Override
        public String readText(String name, int maxBytes) throws IOException {
            return BoundedFiles.readUtf8(directory.resolve(name), maxBytes);
        }

        @Override
        public OptionalLong size(String name) throws IOException {
            Path file = directory.resolve(name);
            return Files.isRegularFile(file)
                    ? OptionalLong.of(Files.size(file))
                    : OptionalLong.empty();
        }

        @Override
        public int crc32c(String name) throws IOException {
            return TrainingCheckpoint.describe(directory.resolve(name)).crc32c();
        }

        @Override
        public Map<String, NDArray> load(String name, NDManager manager) throws IOException {
            return NDArrayFiles.load(directory.resolve(name), manager, Device.cpu());
        }
    }
}
