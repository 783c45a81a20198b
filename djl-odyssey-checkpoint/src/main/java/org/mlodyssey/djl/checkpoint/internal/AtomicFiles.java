/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files atomically: into a temporary file in the target's directory, optionally fsynced,
 * then renamed over the target, then the directory fsynced. A crash at any instant leaves either
 * the old file or the new one, complete. A durable write lets the disk write the file's bytes while
 * the rest are still being written ({@link WriteBehind}).
 *
 * <p>Temporary files are named {@code .<target>.<pid>-<random>.tmp}. Those left by a process that
 * is no longer running are deleted by the next write to the same target.
 */
public final class AtomicFiles {

    private static final Pattern TEMP_NAME = Pattern.compile("\\.(.+)\\.(\\d+)-[0-9a-f]+\\.tmp");

    private AtomicFiles() {}

    /** Writes the content of a file into an open channel. */
    @FunctionalInterface
    public interface ContentWriter {

        /**
         * Writes the whole content.
         *
         * @param channel the channel of the temporary file, positioned at 0
         * @throws IOException if writing fails
         */
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Writes a file atomically.
     *
     * @param target the file to create or replace
     * @param content writes the content
     * @param durable whether to fsync the file and its directory, so that the new file survives a
     *     power loss once this method returns
     * @throws IOException if writing fails; the target is then unchanged and the temporary file
     *     removed
     */
    public static void write(Path target, ContentWriter content, boolean durable)
            throws IOException {
        Path temp = writeTemporary(target, content, durable);
        boolean committed = false;
        try {
            commit(temp, target);
            committed = true;
        } finally {
            if (!committed) {
                Files.deleteIfExists(temp);
            }
        }
        if (durable) {
            fsyncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /**
     * Writes the content of a target into a fresh temporary file next to it, without replacing the
     * target: the first half of {@link #write}, for callers that commit several files together.
     * Stale temporaries of the target are deleted first.
     *
     * @param target the file the content is for
     * @param content writes the content
     * @param durable whether to fsync the temporary file
     * @return the temporary file; the caller commits it with {@link #commit} or deletes it
     * @throws IOException if writing fails; the temporary file is then removed
     */
    public static Path writeTemporary(Path target, ContentWriter content, boolean durable)
            throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        deleteStaleTemporaries(dir, name);
        Path temp = dir.resolve(temporaryName(name));
        boolean written = false;
        try {
            try (FileChannel channel =
                    FileChannel.open(
                            temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (durable) {
                    writeDurably(channel, temp, content);
                } else {
                    content.write(channel);
                }
            }
            written = true;
        } finally {
            if (!written) {
                Files.deleteIfExists(temp);
            }
        }
        return temp;
    }

    /**
     * Writes the content with the disk flushing its bytes in the background ({@link WriteBehind}),
     * then fsyncs the file.
     */
    private static void writeDurably(FileChannel channel, Path file, ContentWriter content)
            throws IOException {
        WriteBehind behind = WriteBehind.start(channel, file);
        try {
            content.write(channel);
        } catch (IOException | RuntimeException | Error e) {
            try {
                behind.finish();
            } catch (IOException flushFailure) {
                e.addSuppressed(flushFailure);
            }
            throw e;
        }
        behind.finish();
        channel.force(true);
    }

    /**
     * Renames a temporary file written by {@link #writeTemporary} over its target, atomically. The
     * directory is not fsynced.
     *
     * @param temp the temporary file
     * @param target the file to create or replace
     * @throws IOException if the rename fails
     */
    public static void commit(Path temp, Path target) throws IOException {
        Files.move(
                temp,
                target.toAbsolutePath(),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Returns a fresh temporary name for a target, unique to this process.
     *
     * @param targetName the target's file name
     * @return a name of the form {@code .<target>.<pid>-<random>.tmp}
     */
    public static String temporaryName(String targetName) {
        return "."
                + targetName
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                + ".tmp";
    }

    /**
     * Tells whether a file name is one of this class's temporary names.
     *
     * @param fileName a file name
     * @return true for a temporary file of an atomic write
     */
    public static boolean isTemporaryName(String fileName) {
        return TEMP_NAME.matcher(fileName).matches();
    }

    /**
     * Deletes the temporary files of a target left by processes that are no longer running.
     *
     * @param dir the directory
     * @param targetName the target's file name, or {@code null} for every target
     * @return the number of files deleted
     * @throws IOException if the directory cannot be listed
     */
    public static int deleteStaleTemporaries(Path dir, String targetName) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path path : stream) {
                Matcher m = TEMP_NAME.matcher(path.getFileName().toString());
                if (!m.matches() || (targetName != null && !m.group(1).equals(targetName))) {
                    continue;
                }
                boolean alive;
                try {
                    long pid = Long.parseLong(m.group(2));
                    alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                } catch (NumberFormatException e) {
                    alive = false; // no process has a pid beyond the long range
                }
                if (!alive && deleteRecursively(path)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /**
     * Deletes a file or a directory with everything in it. Symbolic links are deleted, never
     * followed, so nothing outside {@code path} is touched. A path that does not exist is no error.
     *
     * @param path the file or directory
     * @return true if {@code path} existed and was deleted
     * @throws IOException if something cannot be listed or deleted; what was deleted stays deleted
     */
    public static boolean deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
                for (Path child : children) {
                    deleteRecursively(child);
                }
            }
        }
        return Files.deleteIfExists(path);
    }

    /**
     * Fsyncs a directory, so that renames and creations in it survive a power loss.
     *
     * @param dir the directory
     * @throws IOException if the directory cannot be opened or synced
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
