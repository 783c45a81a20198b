/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.format.AtomicFiles;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * The {@code latest} file of a directory of checkpoints: one line naming the newest committed
 * checkpoint directory, replaced atomically ({@link AtomicFiles#write}, fsynced) after each commit.
 *
 * <p>It is a convenience for people and tools; {@code TrainingCheckpoints.findLatestValid} ignores
 * it and verifies the checkpoints themselves.
 */
public final class LatestPointer {

    /** The pointer's file name in the directory of checkpoints. */
    public static final String FILE_NAME = "latest";

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
            text = BoundedFiles.readUtf8(root.resolve(FILE_NAME), 4096).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (text.isEmpty()
                || text.contains("/")
                || text.contains("\\")
                || text.startsWith(".")
                || text.contains("\n")) {
            throw new IOException(
                    root.resolve(FILE_NAME)
                            + " does not name a checkpoint directory: '"
                            + UntrustedText.forMessage(text)
                            + "'");
        }
        return Optional.of(root.resolve(text));
    }
}
