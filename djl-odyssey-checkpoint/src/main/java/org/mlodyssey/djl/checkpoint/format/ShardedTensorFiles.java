/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * Sharded checkpoints in the Hugging Face convention: {@code <stem>-00001-of-0000N.safetensors}
 * files plus {@code <name>.index.json}, whose {@code weight_map} names each tensor's shard. The
 * shards are written in parallel to temporary files, renamed into place only once all of them are
 * written (so a failed save leaves an earlier one intact), and the index is written last. Every
 * shard and the index carry one save id, so a shard left over from another save (a crash while the
 * shards were being renamed) is detected on load.
 */
final class ShardedTensorFiles {

    static final String INDEX_SUFFIX = ShardPlan.INDEX_SUFFIX;

    private ShardedTensorFiles() {}

    /**
     * Finds the shard index a path designates.
     *
     * @param path a file given to save or load
     * @return the index file, or {@code null} when the path is a plain file or has no index
     */
    static Path indexFor(Path path) {
        if (path.getFileName().toString().endsWith(INDEX_SUFFIX) && Files.isRegularFile(path)) {
            return path;
        }
        if (Files.isRegularFile(path)) {
            return null;
        }
        Path index = path.resolveSibling(path.getFileName() + INDEX_SUFFIX);
        return Files.isRegularFile(index) ? index : null;
    }

    static void write(
            Path path,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        ShardPlan plan =
                ShardPlan.of(
                        path.getFileName().toString(), tensors, metadata, options.maxShardBytes());
        int count = plan.count();
        List<String> shardNames = plan.shardNames();
        // Every shard goes to a temporary file first; only when all are written are they renamed
        // over the shards of an earlier save, so a failed save leaves that one intact.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), count));
        List<Future<Path>> results = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        Path indexTemp = null;
        boolean committed = false;
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> shardMetadata = plan.metadata(i);
                Map<String, Tensor> shard = plan.tensors(i);
                Path shardPath = path.resolveSibling(shardNames.get(i));
                results.add(
                        pool.submit(
                                () ->
                                        TensorFileWriter.writeTemporary(
                                                shardPath,
                                                shard,
                                                shardMetadata,
                                                options.durable(),
                                                options.compression())));
            }
            ExecutionException failure = null;
            for (Future<Path> result : results) {
                try {
                    temps.add(result.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            byte[] index = plan.index();
            Path indexPath = path.resolveSibling(plan.indexName());
            // The index is written too before anything is renamed: from here on only renames
            // remain, so a failure to write (a full disk) leaves the earlier save intact.
            indexTemp =
                    AtomicFiles.writeTemporary(
                            indexPath,
                            channel -> TensorFileWriter.writeFully(channel, ByteBuffer.wrap(index)),
                            options.durable());
            for (int i = 0; i < count; i++) {
                AtomicFiles.commit(temps.get(i), path.resolveSibling(shardNames.get(i)));
            }
            AtomicFiles.commit(indexTemp, indexPath);
            committed = true;
            if (options.durable()) {
                AtomicFiles.fsyncDirectory(path.toAbsolutePath().getParent());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing shards of " + path);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException("writing a shard of " + path + " failed", cause);
        } finally {
            pool.shutdownNow();
            if (!committed) {
                deleteTemporaries(results);
                if (indexTemp != null) {
                    Files.deleteIfExists(indexTemp);
                }
            }
        }
        // The index is committed: a single file of an earlier save at the same path would take
        // precedence over it on load, so it goes too.
        if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
            if (options.durable()) {
                AtomicFiles.fsyncDirectory(path.toAbsolutePath().getParent());
            }
        }
        deleteOtherShards(
                path.toAbsolutePath().getParent(),
                ShardPlan.stem(path.getFileName().toString()),
                new HashSet<>(shardNames));
    }

    /**
     * Deletes the index and shards of an earlier sharded save at a path, once a single file has
     * been saved there. The single file takes precedence on load, so a crash midway still leaves
     * the new save loadable.
     *
     * @param path the path given to save
     * @throws IOException if a file cannot be deleted
     */
    static void deleteShards(Path path) throws IOException {
        String name = path.getFileName().toString();
        if (Files.deleteIfExists(path.resolveSibling(name + INDEX_SUFFIX))) {
            deleteOtherShards(path.toAbsolutePath().getParent(), ShardPlan.stem(name), Set.of());
        }
    }

    /** Deletes the temporary shards that finished writing, once a save has failed. */
    private static void deleteTemporaries(List<Future<Path>> results) throws IOException {
        for (Future<Path> result : results) {
            if (result.isDone() && !result.isCancelled()) {
                try {
                    Files.deleteIfExists(result.get());
                } catch (ExecutionException e) {
                    // that shard failed and removed its own temporary file
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // a done future does not wait
                }
            }
        }
    }

    private static void deleteOtherShards(Path dir, String stem, Set<String> keep)
            throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                names.add(file.getFileName().toString());
            }
        }
        for (String stale : ShardPlan.staleShards(names, stem, keep)) {
            Files.deleteIfExists(dir.resolve(stale));
        }
    }

    /**
     * Opens the shards of an index file that hold the tensors asked for and checks that they belong
     * together.
     *
     * @param index the index file
     * @param options the read options
     * @param owners receives, in index order, each wanted tensor's name and the reader of its shard
     * @return the readers, one per opened shard, in index order
     * @throws IOException if the index or a shard is malformed, or they disagree
     */
    static List<TensorFileReader> open(
            Path index, ReadOptions options, Map<String, TensorFileReader> owners)
            throws IOException {
        String text;
        int cap = (int) Math.min(options.maxHeaderBytes(), Integer.MAX_VALUE - 8);
        try {
            text = BoundedFiles.readUtf8(index, cap);
        } catch (BoundedReadException e) {
            throw new TensorFileFormatException(
                    e.getKind() == BoundedReadException.Kind.TOO_LARGE
                            ? Kind.HEADER_TOO_LARGE
                            : e.getKind() == BoundedReadException.Kind.INVALID_UTF8
                                    ? Kind.INVALID_UTF8
                                    : Kind.NOT_A_REGULAR_FILE,
                    index,
                    null,
                    "the index " + e.getDetail(),
                    e);
        }
        return ShardIndex.parse(index, text)
                .open(
                        new ShardIndex.ShardOpener() {
                            @Override
                            public String locationOf(String shard) {
                                return index.resolveSibling(shard).toString();
                            }

                            @Override
                            public TensorFileReader open(
                                    String shard, boolean verify, long maxHeaderBytes)
                                    throws IOException {
                                Path file = index.resolveSibling(shard);
                                return Files.isRegularFile(file)
                                        ? TensorFileReader.open(file, verify, maxHeaderBytes)
                                        : null;
                            }
                        },
                        options,
                        owners);
    }
}
