/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlodyssey.djl.checkpoint.format.Locations;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.ShardIndex;
import org.mlodyssey.djl.checkpoint.format.ShardPlan;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.ObjectReaderChannel;

/**
 * Named-tensor files on a {@link CheckpointStore}, one object or a sharded set, as {@link
 * TensorFile#save(Path, WriteOptions)} and {@link TensorFile#load(Path, ReadOptions)} write and
 * read them in a directory.
 *
 * <p>A sharded save ({@link WriteOptions#maxShardBytes()} exceeded) uploads its shards in parallel,
 * each under its final key ({@code <stem>-0000i-of-0000N.safetensors} next to the key) with {@link
 * CheckpointStore#write}, and writes the index ({@code <key>.index.json}) last: the index is the
 * commit point. A save that fails writes no index and deletes the shards it had written; a shard
 * whose upload failed left nothing (the store aborted its upload). Once the index is committed, a
 * single object left at the key by an earlier save and the shards of an earlier save that the new
 * one does not reuse are deleted. A load reads the index, then opens only the shards that hold the
 * tensors asked for, and reads their tensors with positional (ranged) reads.
 */
public final class StoredTensorFiles {

    private StoredTensorFiles() {}

    /**
     * Saves tensors under a key: one object, or shards and an index when their data exceed {@link
     * WriteOptions#maxShardBytes()}. An uncompressed object streams into the store; a compressed
     * one is written to a temporary file of {@code java.io.tmpdir} first, deleted whatever happens.
     * Durability is the store's.
     *
     * @param store the store
     * @param key the object's key; for a sharded save, the name the shards and the index are named
     *     after
     * @param tensors the tensors by name, in order
     * @param metadata the caller's metadata
     * @param options sharding, compression and threads
     * @return the object written: the file, or the index of a sharded save
     * @throws IOException if a file cannot be written; then no index is committed
     */
    public static WrittenObject save(
            CheckpointStore store,
            String key,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        long total = 0;
        for (Tensor tensor : tensors.values()) {
            total = Math.addExact(total, tensor.byteSize());
        }
        if (total > options.maxShardBytes()) {
            return saveSharded(store, key, tensors, metadata, options);
        }
        WrittenObject written = writeFile(store, key, tensors, metadata, options);
        // the single object takes precedence on load: an earlier sharded save may go now
        if (store.stat(indexKeyOf(key)).isPresent()) {
            store.delete(indexKeyOf(key));
            deleteStaleShards(store, key, List.of());
        }
        return written;
    }

    /**
     * Writes one named-tensor file under a key, compressed as {@code options} say.
     *
     * @param store the store
     * @param key the object's key
     * @param tensors the tensors by name, in order
     * @param metadata the metadata, written as given
     * @param options the compression and its threads
     * @return the object written
     * @throws IOException if the object cannot be written; nothing is then committed under the key
     */
    public static WrittenObject writeFile(
            CheckpointStore store,
            String key,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        if (!options.compression().enabled()) {
            return store.write(
                    key, channel -> TensorFileWriter.writeTo(channel, tensors, metadata));
        }
        Path temporary = Files.createTempFile("odyssey-upload-", ".safetensors");
        try {
            TensorFileWriter.write(temporary, tensors, metadata, false, options.compression());
            return store.write(
                    key,
                    channel -> {
                        try (FileChannel file = FileChannel.open(temporary)) {
                            long size = file.size();
                            for (long at = 0; at < size; ) {
                                at += file.transferTo(at, size - at, channel);
                            }
                        }
                    });
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static WrittenObject saveSharded(
            CheckpointStore store,
            String key,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            WriteOptions options)
            throws IOException {
        ShardPlan plan = ShardPlan.of(nameOf(key), tensors, metadata, options.maxShardBytes());
        int count = plan.count();
        List<String> shardKeys = new ArrayList<>();
        for (String shard : plan.shardNames()) {
            shardKeys.add(siblingOf(key, shard));
        }
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.max(1, Math.min(options.threads(), count)));
        List<Future<WrittenObject>> uploads = new ArrayList<>();
        boolean committed = false;
        try {
            for (int i = 0; i < count; i++) {
                int shard = i;
                uploads.add(
                        pool.submit(
                                () ->
                                        writeFile(
                                                store,
                                                shardKeys.get(shard),
                                                plan.tensors(shard),
                                                plan.metadata(shard),
                                                options)));
            }
            IOException failure = awaitAll(uploads, key, store);
            if (failure != null) {
                throw failure;
            }
            byte[] index = plan.index();
            WrittenObject written =
                    store.write(indexKeyOf(key), channel -> channel.write(ByteBuffer.wrap(index)));
            committed = true;
            // The index is committed: an earlier single object at the key would take precedence
            // over it on load, and the shards of an earlier save it does not name are stale.
            store.delete(key);
            deleteStaleShards(store, key, shardKeys);
            return written;
        } finally {
            pool.shutdownNow();
            if (!committed) {
                deleteWritten(store, uploads);
            }
        }
    }

    /**
     * Waits for every upload, so that none is still running when the save returns.
     *
     * @return the first failure, or {@code null}
     */
    private static IOException awaitAll(
            List<Future<WrittenObject>> uploads, String key, CheckpointStore store)
            throws InterruptedIOException {
        IOException failure = null;
        for (Future<WrittenObject> upload : uploads) {
            try {
                upload.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(
                        "Interrupted while uploading the shards of " + store.locationOf(key));
            } catch (ExecutionException e) {
                IOException cause =
                        e.getCause() instanceof IOException io
                                ? io
                                : new IOException(
                                        "Uploading a shard of " + store.locationOf(key) + " failed",
                                        e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        return failure;
    }

    /** Deletes the shards a failed save finished writing. */
    private static void deleteWritten(CheckpointStore store, List<Future<WrittenObject>> uploads)
            throws IOException {
        for (Future<WrittenObject> upload : uploads) {
            if (upload.isDone() && !upload.isCancelled()) {
                try {
                    store.delete(upload.get().key());
                } catch (ExecutionException e) {
                    // that shard failed, and its write left nothing
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // a done future does not wait
                }
            }
        }
    }

    private static void deleteStaleShards(CheckpointStore store, String key, List<String> keep)
            throws IOException {
        String directory = key.substring(0, key.lastIndexOf('/') + 1);
        String stem = ShardPlan.stem(nameOf(key));
        List<String> names = new ArrayList<>();
        for (StoredObject object : store.list(directory + stem + "-")) {
            names.add(object.key().substring(directory.length()));
        }
        HashSet<String> kept = new HashSet<>();
        for (String shardKey : keep) {
            kept.add(nameOf(shardKey));
        }
        for (String stale : ShardPlan.staleShards(names, stem, kept)) {
            store.delete(directory + stale);
        }
    }

    /**
     * Tells whether a key names a saved file: an object, or the index of a sharded save.
     *
     * @param store the store
     * @param key the key given to {@link #save}
     * @return true when the object or its index exists
     * @throws IOException if the store cannot be asked
     */
    public static boolean exists(CheckpointStore store, String key) throws IOException {
        return store.stat(key).isPresent() || store.stat(indexKeyOf(key)).isPresent();
    }

    /**
     * Returns the key of the index a sharded save under a key writes.
     *
     * @param key the key given to {@link #save}
     * @return {@code <key>.index.json}
     */
    public static String indexKeyOf(String key) {
        return key + ShardPlan.INDEX_SUFFIX;
    }

    /**
     * Opens the file saved under a key: the object itself when it exists (it takes precedence),
     * else the shards its index ({@code <key>.index.json}, or the key itself when it names an
     * index) names, of which only those holding the tensors {@code options} ask for are opened.
     *
     * @param store the store
     * @param key the key given to {@link #save}, or the key of an index
     * @param options which tensors, whether to verify, the header cap
     * @return the checkpoint, reading tensor data lazily with positional reads; to be closed
     * @throws java.nio.file.NoSuchFileException if neither the object nor an index exists
     * @throws TensorFileFormatException if the file, the index or a shard is malformed, or a shard
     *     is missing ({@link Kind#INVALID_INDEX}, naming it)
     * @throws IOException if the store fails
     */
    public static TensorFile load(CheckpointStore store, String key, ReadOptions options)
            throws IOException {
        String indexKey = key;
        if (!key.endsWith(ShardPlan.INDEX_SUFFIX)) {
            // opened at once rather than asked for first: one request less to a bucket
            ObjectReader object = openIfExists(store, key);
            if (object != null) {
                return TensorFile.of(
                        openReader(store, key, object, options.verify(), options.maxHeaderBytes()),
                        options);
            }
            indexKey = indexKeyOf(key);
        }
        String indexText;
        try {
            indexText = readIndex(store, indexKey, options);
        } catch (java.nio.file.NoSuchFileException e) {
            java.nio.file.NoSuchFileException missing =
                    new java.nio.file.NoSuchFileException(store.locationOf(key));
            missing.initCause(e);
            throw missing;
        }
        Path indexFile = Locations.asPath(store.locationOf(indexKey));
        ShardIndex index = ShardIndex.parse(indexFile, indexText);
        String directory = indexKey.substring(0, indexKey.lastIndexOf('/') + 1);
        return TensorFile.load(
                index,
                new ShardIndex.ShardOpener() {
                    @Override
                    public String locationOf(String shard) {
                        return store.locationOf(directory + shard);
                    }

                    @Override
                    public TensorFileReader open(String shard, boolean verify, long maxHeaderBytes)
                            throws IOException {
                        ObjectReader reader = openIfExists(store, directory + shard);
                        return reader == null
                                ? null
                                : openReader(
                                        store, directory + shard, reader, verify, maxHeaderBytes);
                    }
                },
                options);
    }

    /** Opens an object, or returns {@code null} when there is none. */
    private static ObjectReader openIfExists(CheckpointStore store, String key) throws IOException {
        try {
            return store.open(key);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Opens a tensor-file reader on an object, checking its header now.
     *
     * @param store the store
     * @param key the object's key
     * @param reader the object's reader; closed with the tensor-file reader, or now on failure
     * @param verify whether to check checksums
     * @param maxHeaderBytes the largest header accepted
     * @return the reader
     * @throws IOException if the object cannot be read or its header is malformed
     */
    private static TensorFileReader openReader(
            CheckpointStore store,
            String key,
            ObjectReader reader,
            boolean verify,
            long maxHeaderBytes)
            throws IOException {
        ObjectReaderChannel channel = new ObjectReaderChannel(reader);
        try {
            return TensorFileReader.open(
                    Locations.asPath(store.locationOf(key)), channel, verify, maxHeaderBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads an index object whole, held to the header cap, as strict UTF-8. */
    private static String readIndex(CheckpointStore store, String key, ReadOptions options)
            throws IOException {
        Path file = Locations.asPath(store.locationOf(key));
        long cap = Math.min(options.maxHeaderBytes(), Integer.MAX_VALUE - 8);
        try (ObjectReader reader = store.open(key)) {
            if (reader.size() > cap) {
                throw new TensorFileFormatException(
                        Kind.HEADER_TOO_LARGE,
                        file,
                        null,
                        "the index has " + reader.size() + " bytes, over the cap of " + cap);
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) reader.size());
            reader.readFully(bytes, 0);
            bytes.flip();
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(bytes)
                        .toString();
            } catch (CharacterCodingException e) {
                throw new TensorFileFormatException(
                        Kind.INVALID_UTF8, file, null, "the index is not valid UTF-8", e);
            }
        }
    }

    private static String nameOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static String siblingOf(String key, String name) {
        return key.substring(0, key.lastIndexOf('/') + 1) + name;
    }
}
