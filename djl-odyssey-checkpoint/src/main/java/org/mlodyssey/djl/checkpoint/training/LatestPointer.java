/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * The {@code latest} file of a directory of checkpoints: one line naming the newest committed
 * checkpoint directory, replaced atomically ({@link AtomicFiles#write}, fsynced) after each commit.
 *
 * <p>It is a convenience for people and tools; {@code CheckpointDirectories.findLatestValid}
 * ignores it and verifies the checkpoints themselves.
 */
public final class LatestPointer {

    /** The pointer's file name in the directory of checkpoints. */
    public static final String FILE_NAME = "latest";

    private static final int MAX_BYTES = 4096;

    private LatestPointer() {}

    /**
     * Points the directory's {@code latest} file at a checkpoint, atomically and durably.
     *
     * @param root the directory of checkpoints
     * @param checkpoint a checkpoint directory inside {@code root}
     * @throws IOException if the file cannot be written; the previous pointer is then unchanged
     */
    public static void write(Path root, Path checkpoint) throws IOException {
        byte[] line = (checkpoint.getFileName().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(
                root.resolve(FILE_NAME), channel -> channel.write(ByteBuffer.wrap(line)), true);
    }

    /**
     * Reads the directory's {@code latest} file.
     *
     * @param root the directory of checkpoints
     * @return the checkpoint directory it names, or empty if there is no pointer
     * @throws IOException if the file cannot be read, or names something other than a plain
     *     directory name inside {@code root}
     */
    public static Optional<Path> read(Path root) throws IOException {
        String text;
        try {
            text = BoundedFiles.readUtf8(root.resolve(FILE_NAME), MAX_BYTES).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(root.resolve(checkName(text, root.resolve(FILE_NAME).toString())));
    }

    /**
     * Points a store's {@code latest} object at a checkpoint, with the store's commit ({@link
     * CheckpointStore#write}).
     *
     * @param store the store of checkpoints
     * @param name the checkpoint's name
     * @throws IOException if the object cannot be written; the previous pointer is then unchanged
     */
    static void write(CheckpointStore store, String name) throws IOException {
        byte[] line = (name + "\n").getBytes(StandardCharsets.UTF_8);
        store.write(FILE_NAME, channel -> channel.write(ByteBuffer.wrap(line)));
    }

    /**
     * Reads a store's {@code latest} object.
     *
     * @param store the store of checkpoints
     * @return the checkpoint name it holds, or empty if there is no pointer
     * @throws IOException if it cannot be read, is too large, or holds something other than a plain
     *     name
     */
    static Optional<String> read(CheckpointStore store) throws IOException {
        String text;
        try {
            text = StoredCheckpointFiles.readText(store, FILE_NAME, MAX_BYTES).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(checkName(text, store.locationOf(FILE_NAME)));
    }

    private static String checkName(String text, String where) throws IOException {
        if (text.isEmpty()
                || text.contains("/")
                || text.contains("\\")
                || text.startsWith(".")
                || text.contains("\n")) {
            throw new IOException(
                    where
                            + " does not name a checkpoint directory: '"
                            + UntrustedText.forMessage(text)
                            + "'");
        }
        return text;
    }
}
