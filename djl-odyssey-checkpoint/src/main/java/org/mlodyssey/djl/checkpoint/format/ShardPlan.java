/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * How one sharded save lays tensors out, in the Hugging Face convention: which tensors go into
 * which {@code <stem>-0000i-of-0000N.safetensors} shard, the metadata each shard carries (the
 * caller's, the save id and the shard's number) and the bytes of {@code <name>.index.json}. It
 * writes nothing: a local directory ({@link TensorFile#save(java.nio.file.Path, WriteOptions)}) and
 * a store commit the files each in their own way, always the index last.
 */
public final class ShardPlan {

    /**
     * The suffix of a shard index: {@code <name>.index.json} for shards saved as {@code <name>}.
     */
    public static final String INDEX_SUFFIX = ".index.json";

    private static final String EXTENSION = ".safetensors";

    private final String name;
    private final List<String> shardNames;
    private final List<Map<String, Tensor>> shards;
    private final List<Map<String, String>> shardMetadata;
    private final byte[] index;

    private ShardPlan(
            String name,
            List<String> shardNames,
            List<Map<String, Tensor>> shards,
            List<Map<String, String>> shardMetadata,
            byte[] index) {
        this.name = name;
        this.shardNames = shardNames;
        this.shards = shards;
        this.shardMetadata = shardMetadata;
        this.index = index;
    }

    /**
     * Splits tensors into shards of at most {@code maxShardBytes} of data each (a larger tensor has
     * a shard to itself), in order, under a fresh save id.
     *
     * @param name the file name given to the save ({@code model.safetensors}): the shards are named
     *     after its stem, the index after it
     * @param tensors the tensors by name, in order
     * @param metadata the caller's metadata, carried by every shard
     * @param maxShardBytes the most tensor data one shard holds
     * @return the plan
     * @throws IOException if the index cannot be encoded
     */
    public static ShardPlan of(
            String name,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            long maxShardBytes)
            throws IOException {
        List<Map<String, Tensor>> shards = split(tensors, maxShardBytes);
        String stem = stem(name);
        String saveId = Long.toHexString(ThreadLocalRandom.current().nextLong());
        int count = shards.size();
        List<String> shardNames = new ArrayList<>();
        List<Map<String, String>> shardMetadata = new ArrayList<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            String shardName = String.format("%s-%05d-of-%05d%s", stem, i, count, EXTENSION);
            shardNames.add(shardName);
            Map<String, String> own = new TreeMap<>(metadata);
            own.put(FormatKeys.SAVE_ID, saveId);
            own.put(FormatKeys.SHARD, i + "/" + count);
            shardMetadata.add(Collections.unmodifiableMap(own));
            for (String tensor : shards.get(i - 1).keySet()) {
                weightMap.put(tensor, shardName);
            }
        }
        // Hugging Face's total_size counts tensor data bytes only, not shard headers.
        long total = 0;
        for (Tensor tensor : tensors.values()) {
            total = Math.addExact(total, tensor.byteSize());
        }
        return new ShardPlan(
                name,
                Collections.unmodifiableList(shardNames),
                Collections.unmodifiableList(shards),
                Collections.unmodifiableList(shardMetadata),
                encodeIndex(total, saveId, weightMap));
    }

    /**
     * Returns the number of shards.
     *
     * @return at least 1
     */
    public int count() {
        return shards.size();
    }

    /**
     * Returns the file names of the shards, in order.
     *
     * @return the names, {@code <stem>-00001-of-0000N.safetensors} first
     */
    public List<String> shardNames() {
        return shardNames;
    }

    /**
     * Returns the tensors of one shard.
     *
     * @param shard the shard's position, from 0
     * @return its tensors by name, in order
     */
    public Map<String, Tensor> tensors(int shard) {
        return Collections.unmodifiableMap(shards.get(shard));
    }

    /**
     * Returns the metadata one shard carries: the caller's, the save id and its number.
     *
     * @param shard the shard's position, from 0
     * @return the metadata
     */
    public Map<String, String> metadata(int shard) {
        return shardMetadata.get(shard);
    }

    /**
     * Returns the file name of the index.
     *
     * @return {@code <name>.index.json}
     */
    public String indexName() {
        return name + INDEX_SUFFIX;
    }

    /**
     * Returns the index's bytes: UTF-8 JSON with {@code metadata} and {@code weight_map}.
     *
     * @return a copy of the bytes
     */
    public byte[] index() {
        return index.clone();
    }

    /**
     * Returns the stem shards of a save are named after: the name without {@code .safetensors}.
     *
     * @param name the file name given to the save
     * @return the stem
     */
    public static String stem(String name) {
        return name.endsWith(EXTENSION)
                ? name.substring(0, name.length() - EXTENSION.length())
                : name;
    }

    /**
     * Finds, among file names, the shards of any save under a stem that are not to be kept: those
     * an earlier save left once a newer one is committed.
     *
     * @param names file names in one directory
     * @param stem the stem of the save
     * @param keep the names to keep (the new save's shards)
     * @return the names to delete
     */
    public static Set<String> staleShards(Iterable<String> names, String stem, Set<String> keep) {
        Pattern pattern = Pattern.compile(Pattern.quote(stem) + "-\\d{5}-of-\\d{5}\\.safetensors");
        Set<String> stale = new LinkedHashSet<>();
        for (String fileName : names) {
            if (pattern.matcher(fileName).matches() && !keep.contains(fileName)) {
                stale.add(fileName);
            }
        }
        return stale;
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
}
