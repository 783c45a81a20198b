/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.format.CheckpointFormatException.Kind;
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
final class ShardedCheckpoints {

    static final String INDEX_SUFFIX = ".index.json";
    private static final String EXTENSION = ".safetensors";
    private static final Pattern SHARD_NAME = Pattern.compile("[^/\\\\]+");

    private ShardedCheckpoints() {}

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
        List<Map<String, Tensor>> shards = split(tensors, options.maxShardBytes());
        String name = path.getFileName().toString();
        String stem = stem(name);
        String saveId = Long.toHexString(ThreadLocalRandom.current().nextLong());
        int count = shards.size();
        List<String> shardNames = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            shardNames.add(String.format("%s-%05d-of-%05d%s", stem, i, count, EXTENSION));
        }
        // Every shard goes to a temporary file first; only when all are written are they renamed
        // over the shards of an earlier save, so a failed save leaves that one intact.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), count));
        List<Future<Path>> results = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        Path indexTemp = null;
        boolean committed = false;
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> shardMetadata = new TreeMap<>(metadata);
                shardMetadata.put(FormatKeys.SAVE_ID, saveId);
                shardMetadata.put(FormatKeys.SHARD, (i + 1) + "/" + count);
                Map<String, Tensor> shard = shards.get(i);
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
            // Hugging Face's total_size counts tensor data bytes only, not shard headers.
            long total = 0;
            for (Tensor tensor : tensors.values()) {
                total = Math.addExact(total, tensor.byteSize());
            }
            Map<String, String> weightMap = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                for (String tensor : shards.get(i).keySet()) {
                    weightMap.put(tensor, shardNames.get(i));
                }
            }
            byte[] index = encodeIndex(total, saveId, weightMap);
            Path indexPath = path.resolveSibling(name + INDEX_SUFFIX);
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
        deleteOtherShards(path.toAbsolutePath().getParent(), stem, new HashSet<>(shardNames));
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
            deleteOtherShards(path.toAbsolutePath().getParent(), stem(name), Set.of());
        }
    }

    private static String stem(String name) {
        return name.endsWith(EXTENSION)
                ? name.substring(0, name.length() - EXTENSION.length())
                : name;
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

    private static List<Map<String, Tensor>> split(Map<String, Tensor> tensors, long max) {
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            long bytes = entry.getValue().byteSize();
            if (!current.isEmpty() && bytes > max - size) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(entry.getKey(), entry.getValue());
            size += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private static byte[] encodeIndex(long totalSize, String saveId, Map<String, String> weightMap)
            throws IOException {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = new JsonWriter(out)) {
            writer.setHtmlSafe(false);
            writer.setIndent("  ");
            writer.beginObject();
            writer.name("metadata").beginObject();
            writer.name("total_size").value(totalSize);
            writer.name(FormatKeys.FORMAT).value(FormatKeys.FORMAT_NAME);
            writer.name(FormatKeys.FORMAT_VERSION)
                    .value(Integer.toString(FormatKeys.UNCOMPRESSED_VERSION));
            writer.name(FormatKeys.SAVE_ID).value(saveId);
            writer.endObject();
            writer.name("weight_map").beginObject();
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                writer.name(entry.getKey()).value(entry.getValue());
            }
            writer.endObject();
            writer.endObject();
        }
        return (out + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteOtherShards(Path dir, String stem, Set<String> keep)
            throws IOException {
        Pattern pattern = Pattern.compile(Pattern.quote(stem) + "-\\d{5}-of-\\d{5}\\.safetensors");
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                String fileName = file.getFileName().toString();
                if (pattern.matcher(fileName).matches() && !keep.contains(fileName)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Opens every shard of an index and checks that they belong together.
     *
     * @param index the index file
     * @param options the read options
     * @param owners receives, in index order, each tensor's name and the reader of its shard
     * @return the readers, one per shard, in index order
     * @throws IOException if the index or a shard is malformed, or they disagree
     */
    static List<TensorFileReader> open(
            Path index, ReadOptions options, Map<String, TensorFileReader> owners)
            throws IOException {
        String saveId = null;
        Map<String, String> weightMap = new LinkedHashMap<>();
        String text;
        int cap = (int) Math.min(options.maxHeaderBytes(), Integer.MAX_VALUE - 8);
        try {
            text = BoundedFiles.readUtf8(index, cap);
        } catch (BoundedReadException e) {
            throw new CheckpointFormatException(
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
        try (JsonReader reader = StrictJson.reader(new StringReader(text))) {
            StrictJson.checkNoByteOrderMark(text);
            reader.beginObject();
            while (reader.hasNext()) {
                String key = reader.nextName();
                if ("metadata".equals(key)) {
                    reader.beginObject();
                    while (reader.hasNext()) {
                        String field = reader.nextName();
                        if (FormatKeys.SAVE_ID.equals(field)) {
                            saveId = reader.nextString();
                        } else {
                            reader.skipValue();
                        }
                    }
                    reader.endObject();
                } else if ("weight_map".equals(key)) {
                    reader.beginObject();
                    while (reader.hasNext()) {
                        String tensor = reader.nextName();
                        if (weightMap.size() >= TensorHeader.MAX_ENTRIES) {
                            throw invalid(
                                    index,
                                    "weight_map",
                                    "more than " + TensorHeader.MAX_ENTRIES + " tensors");
                        }
                        if (reader.peek() != JsonToken.STRING) {
                            throw invalid(index, "weight_map." + tensor, "expected a file name");
                        }
                        String shard = reader.nextString();
                        if (!SHARD_NAME.matcher(shard).matches()
                                || shard.equals(".")
                                || shard.equals("..")) {
                            throw invalid(
                                    index, "weight_map." + tensor, "invalid shard name " + shard);
                        }
                        if (weightMap.put(tensor, shard) != null) {
                            throw new CheckpointFormatException(
                                    Kind.DUPLICATE_NAME,
                                    index,
                                    "weight_map." + tensor,
                                    "tensor listed twice");
                        }
                    }
                    reader.endObject();
                } else {
                    reader.skipValue();
                }
            }
            reader.endObject();
            StrictJson.checkEnd(reader);
        } catch (StrictJson.Violation e) {
            throw invalid(index, null, e.getMessage());
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new CheckpointFormatException(
                    Kind.INVALID_INDEX, index, null, "index is " + JsonErrors.describe(e), e);
        }
        if (weightMap.isEmpty()) {
            throw invalid(index, "weight_map", "missing or empty");
        }
        Map<String, TensorFileReader> readers = new LinkedHashMap<>();
        // the shards' headers together are held to the one header cap
        long headerBudget = options.maxHeaderBytes();
        try {
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                TensorFileReader reader = readers.get(entry.getValue());
                if (reader == null) {
                    Path shardPath = index.resolveSibling(entry.getValue());
                    if (!Files.isRegularFile(shardPath)) {
                        throw invalid(
                                index,
                                "weight_map." + entry.getKey(),
                                "shard " + shardPath + " does not exist");
                    }
                    reader = openShard(shardPath, options, headerBudget);
                    readers.put(entry.getValue(), reader);
                    headerBudget -= reader.dataStart() - 8;
                    // checked at once, so that entries the index does not list are never held
                    // for more than one shard
                    for (TensorEntry listed : reader.header().entries()) {
                        if (!entry.getValue().equals(weightMap.get(listed.name()))) {
                            throw invalid(
                                    reader.file(), listed.name(), "tensor not listed in the index");
                        }
                    }
                    String shardSaveId = reader.header().metadata().get(FormatKeys.SAVE_ID);
                    if (saveId != null && !saveId.equals(shardSaveId)) {
                        throw invalid(
                                shardPath,
                                FormatKeys.SAVE_ID,
                                "shard belongs to save "
                                        + shardSaveId
                                        + ", the index to save "
                                        + saveId
                                        + " (a sharded save was interrupted?)");
                    }
                }
                if (reader.header().entry(entry.getKey()) == null) {
                    throw new CheckpointFormatException(
                            Kind.MISSING_TENSOR,
                            reader.file(),
                            entry.getKey(),
                            "the index places this tensor in this shard, which lacks it");
                }
                owners.put(entry.getKey(), reader);
            }
            if (saveId != null) {
                checkShardNumbers(index, readers.values());
            }
        } catch (IOException | RuntimeException e) {
            for (TensorFileReader reader : readers.values()) {
                reader.close();
            }
            throw e;
        }
        return new ArrayList<>(readers.values());
    }

    /**
     * Opens one shard, its header capped by what the shards opened before it left of the header
     * cap.
     */
    private static TensorFileReader openShard(Path shard, ReadOptions options, long budget)
            throws IOException {
        if (budget < 2) {
            throw headersTooLarge(shard, options);
        }
        try {
            return TensorFileReader.open(shard, options.verify(), budget);
        } catch (CheckpointFormatException e) {
            if (e.getKind() == Kind.HEADER_TOO_LARGE
                    && "header length".equals(e.getSubject())
                    && budget < options.maxHeaderBytes()) {
                throw headersTooLarge(shard, options);
            }
            throw e;
        }
    }

    private static CheckpointFormatException headersTooLarge(Path shard, ReadOptions options) {
        return new CheckpointFormatException(
                Kind.HEADER_TOO_LARGE,
                shard,
                "header length",
                "with this shard, the headers of the index's shards together exceed the header"
                        + " cap of "
                        + options.maxHeaderBytes()
                        + " bytes");
    }

    /**
     * Checks that the shards an index names are the whole set their {@code odyssey.shard} keys
     * describe, so that an index missing every entry of one shard is not read as complete.
     */
    private static void checkShardNumbers(Path index, java.util.Collection<TensorFileReader> shards)
            throws CheckpointFormatException {
        Set<Integer> seen = new HashSet<>();
        for (TensorFileReader shard : shards) {
            String text = shard.header().metadata().get(FormatKeys.SHARD);
            java.util.regex.Matcher m =
                    text == null
                            ? null
                            : Pattern.compile("([1-9][0-9]{0,8})/([1-9][0-9]{0,8})").matcher(text);
            if (m == null || !m.matches()) {
                throw invalid(shard.file(), FormatKeys.SHARD, "expected \"i/N\", found " + text);
            }
            int number = Integer.parseInt(m.group(1));
            int count = Integer.parseInt(m.group(2));
            if (count != shards.size() || number > count || !seen.add(number)) {
                throw invalid(
                        index,
                        "weight_map",
                        "names "
                                + shards.size()
                                + " shards, but "
                                + shard.file().getFileName()
                                + " is shard "
                                + text);
            }
        }
    }

    private static CheckpointFormatException invalid(Path file, String subject, String detail) {
        return new CheckpointFormatException(Kind.INVALID_INDEX, file, subject, detail);
    }
}
