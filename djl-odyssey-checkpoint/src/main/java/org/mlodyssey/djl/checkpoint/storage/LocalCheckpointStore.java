/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.internal.ChecksummingChannel;

/**
 * A {@link CheckpointStore} in a local directory: a key is a relative path, {@link #write} is an
 * atomic file write (temporary file, fsync, rename, directory fsync) by {@link AtomicFiles}.
 */
public final class LocalCheckpointStore implements CheckpointStore {

    private final Path root;
    private final boolean durable;

    private LocalCheckpointStore(Path root, boolean durable) {
        this.root = root.toAbsolutePath().normalize();
        this.durable = durable;
    }

    /**
     * Opens a store in a directory, which need not exist yet. Writes are durable (fsynced).
     *
     * @param root the directory
     * @return the store
     */
    public static LocalCheckpointStore of(Path root) {
        return new LocalCheckpointStore(root, true);
    }

    /**
     * Opens a store in a directory.
     *
     * @param root the directory
     * @param durable whether writes fsync the file and its directory before they return
     * @return the store
     */
    public static LocalCheckpointStore of(Path root, boolean durable) {
        return new LocalCheckpointStore(root, durable);
    }

    /**
     * Returns the store's directory.
     *
     * @return the absolute, normalized directory
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the file of a key.
     *
     * @param key a key
     * @return the path under the root
     * @throws IllegalArgumentException if the key is empty, absolute or leaves the root
     */
    public Path resolve(String key) {
        if (key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("Not a relative key: '" + key + "'");
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("The key '" + key + "' leaves " + root);
        }
        return path;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public String locationOf(String key) {
        return resolve(key).toString();
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        // Other writers (ranks of a distributed save, a listener's writer) create, rename and
        // delete files while this lists: a file or directory that vanishes between the directory
        // read and its attributes is not there, and no error.
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path path, BasicFileAttributes attributes) {
                        if (attributes.isRegularFile()
                                && !AtomicFiles.isTemporaryName(path.getFileName().toString())) {
                            String key = keyOf(path);
                            if (key.startsWith(prefix)) {
                                objects.add(new StoredObject(key, attributes.size()));
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path path, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e)
                            throws IOException {
                        if (e != null && !(e instanceof NoSuchFileException)) {
                            throw e;
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(new StoredObject(key, Files.size(path)));
    }

    @Override
    public ObjectReader open(String key) throws IOException {
        FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
        long size = channel.size();
        return new ObjectReader() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return channel.read(dst, position);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public WrittenObject write(String key, ObjectContent content) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        long[] size = new long[1];
        int[] crc = new int[1];
        AtomicFiles.write(
                target,
                channel -> {
                    ChecksummingChannel counted = new ChecksummingChannel(channel);
                    content.writeTo(counted);
                    size[0] = counted.count();
                    crc[0] = counted.crc32c();
                },
                durable);
        return new WrittenObject(key, size[0], crc[0]);
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public int deleteAll(String prefix) throws IOException {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("Refusing to delete the whole store " + root);
        }
        int deleted = 0;
        for (StoredObject object : list(prefix)) {
            if (Files.deleteIfExists(resolve(object.key()))) {
                deleted++;
            }
        }
        if (prefix.endsWith("/")) {
            AtomicFiles.deleteRecursively(resolve(prefix));
        }
        return deleted;
    }

    @Override
    public boolean hasAtomicRename() {
        return true;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return location();
    }

    private String keyOf(Path path) {
        StringBuilder key = new StringBuilder();
        for (Path segment : root.relativize(path)) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(segment);
        }
        return key.toString();
    }
}
