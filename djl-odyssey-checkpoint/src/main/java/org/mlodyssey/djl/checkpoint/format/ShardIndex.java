/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.internal.JsonErrors;
import org.mlodyssey.djl.checkpoint.internal.StrictJson;

/**
 * A parsed shard index ({@code <name>.index.json}): its save id and which shard holds each tensor.
 * It opens the shards through a {@link ShardOpener}, so the same checks hold whether the shards are
 * files of a directory or objects of a store: every shard named exists (a missing one is an {@link
 * Kind#INVALID_INDEX} error naming it), lists only tensors the index places in it, carries the
 * index's save id and a shard number of the set.
 */
public final class ShardIndex {

    private static final Pattern SHARD_NAME = Pattern.compile("[^/\\\\]+");
    private static final Pattern SHARD_NUMBER =
            Pattern.compile("([1-9][0-9]{0,8})/([1-9][0-9]{0,8})");

    private final Path file;
    private final String saveId;
    private final Map<String, String> weightMap;

    private ShardIndex(Path file, String saveId, Map<String, String> weightMap) {
        this.file = file;
        this.saveId = saveId;
        this.weightMap = Collections.unmodifiableMap(weightMap);
    }

    /** Opens the shards an index names, wherever they are. */
    public interface ShardOpener {

        /**
         * Names a shard in messages.
         *
         * @param shard the shard's file name, as the index gives it
         * @return its path or location
         */
        String locationOf(String shard);

        /**
         * Opens a shard.
         *
         * @param shard the shard's file name, as the index gives it (a plain name, never a path)
         * @param verify whether to check checksums
         * @param maxHeaderBytes the largest header accepted
         * @return the reader, or {@code null} when no such shard exists
         * @throws IOException if the shard cannot be read or is malformed
         */
        TensorFileReader open(String shard, boolean verify, long maxHeaderBytes) throws IOException;
    }

    /**
     * Parses an index.
     *
     * @param file names the index in messages
     * @param text the index's text
     * @return the index
     * @throws TensorFileFormatException if the text is not a valid index ({@link
     *     Kind#INVALID_INDEX}, {@link Kind#DUPLICATE_NAME})
     */
    public static ShardIndex parse(Path file, String text) throws TensorFileFormatException {
        String saveId = null;
        Map<String, String> weightMap = new LinkedHashMap<>();
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
                        readEntry(file, reader, weightMap);
                    }
                    reader.endObject();
                } else {
                    reader.skipValue();
                }
            }
            reader.endObject();
            StrictJson.checkEnd(reader);
        } catch (StrictJson.Violation e) {
            throw invalid(file, null, e.getMessage());
        } catch (TensorFileFormatException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new TensorFileFormatException(
                    Kind.INVALID_INDEX, file, null, "index is " + JsonErrors.describe(e), e);
        }
        if (weightMap.isEmpty()) {
            throw invalid(file, "weight_map", "missing or empty");
        }
        return new ShardIndex(file, saveId, weightMap);
    }

    private static void readEntry(Path file, JsonReader reader, Map<String, String> weightMap)
            throws IOException {
        String tensor = reader.nextName();
        if (weightMap.size() >= TensorHeader.MAX_ENTRIES) {
            throw invalid(file, "weight_map", "more than " + TensorHeader.MAX_ENTRIES + " tensors");
        }
        if (reader.peek() != JsonToken.STRING) {
            throw invalid(file, "weight_map." + tensor, "expected a file name");
        }
        String shard = reader.nextString();
        if (!SHARD_NAME.matcher(shard).matches() || shard.equals(".") || shard.equals("..")) {
            throw invalid(file, "weight_map." + tensor, "invalid shard name " + shard);
        }
        if (weightMap.put(tensor, shard) != null) {
            throw new TensorFileFormatException(
                    Kind.DUPLICATE_NAME, file, "weight_map." + tensor, "tensor listed twice");
        }
    }

    /**
     * Returns the index's path or location, as given to {@link #parse}.
     *
     * @return the index file's name in messages
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the save id the index and its shards carry.
     *
     * @return the id, or {@code null} for an index written by another library
     */
    public String saveId() {
        return saveId;
    }

    /**
     * Returns which shard holds each tensor.
     *
     * @return shard file names by tensor name, in index order
     */
    public Map<String, String> weightMap() {
        return weightMap;
    }

    /**
     * Returns the shards that hold some tensors.
     *
     * @param names the tensors wanted, or {@code null} for all
     * @return the shard file names, in index order; a name the index lacks adds nothing
     */
    public Set<String> shardsOf(Collection<String> names) {
        Set<String> shards = new LinkedHashSet<>();
        for (Map.Entry<String, String> entry : weightMap.entrySet()) {
            if (names == null || names.contains(entry.getKey())) {
                shards.add(entry.getValue());
            }
        }
        return shards;
    }

    /**
     * Opens the shards that hold the tensors {@code options} ask for (every shard when they ask for
     * all) and checks that they belong together. Shards holding none of the wanted tensors are not
     * opened.
     *
     * @param opener opens a shard by name
     * @param options the tensors wanted, verification and the header cap (all shards' headers
     *     together)
     * @param owners receives, in index order, each wanted tensor's name and the reader of its shard
     * @return the readers, one per opened shard, in index order
     * @throws IOException if a shard is missing or malformed, or it disagrees with the index
     */
    public List<TensorFileReader> open(
            ShardOpener opener, ReadOptions options, Map<String, TensorFileReader> owners)
            throws IOException {
        Set<String> wanted = options.names();
        Map<String, TensorFileReader> readers = new LinkedHashMap<>();
        // the shards' headers together are held to the one header cap
        long headerBudget = options.maxHeaderBytes();
        try {
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                if (wanted != null && !wanted.contains(entry.getKey())) {
                    continue;
                }
                TensorFileReader reader = readers.get(entry.getValue());
                if (reader == null) {
                    reader = openShard(opener, entry, options, headerBudget);
                    readers.put(entry.getValue(), reader);
                    headerBudget -= reader.dataStart() - 8;
                }
                if (reader.header().entry(entry.getKey()) == null) {
                    throw new TensorFileFormatException(
                            Kind.MISSING_TENSOR,
                            reader.file(),
                            entry.getKey(),
                            "the index places this tensor in this shard, which lacks it");
                }
                owners.put(entry.getKey(), reader);
            }
            if (readers.isEmpty()) {
                // none of the wanted tensors is here: the first shard still gives the metadata
                Map.Entry<String, String> first = weightMap.entrySet().iterator().next();
                readers.put(first.getValue(), openShard(opener, first, options, headerBudget));
            }
            if (saveId != null) {
                checkShardNumbers(readers.values(), new HashSet<>(weightMap.values()).size());
            }
        } catch (IOException | RuntimeException e) {
            for (TensorFileReader reader : readers.values()) {
                reader.close();
            }
            throw e;
        }
        return new ArrayList<>(readers.values());
    }

    /** Opens one shard and checks its entries and save id against the index. */
    private TensorFileReader openShard(
            ShardOpener opener,
            Map.Entry<String, String> entry,
            ReadOptions options,
            long headerBudget)
            throws IOException {
        String shard = entry.getValue();
        if (headerBudget < 2) {
            throw headersTooLarge(opener.locationOf(shard), options);
        }
        TensorFileReader reader;
        try {
            reader = opener.open(shard, options.verify(), headerBudget);
        } catch (TensorFileFormatException e) {
            if (e.getKind() == Kind.HEADER_TOO_LARGE
                    && "header length".equals(e.getSubject())
                    && headerBudget < options.maxHeaderBytes()) {
                throw headersTooLarge(opener.locationOf(shard), options);
            }
            throw e;
        }
        if (reader == null) {
            throw invalid(
                    file,
                    "weight_map." + entry.getKey(),
                    "shard " + opener.locationOf(shard) + " does not exist");
        }
        try {
            // checked at once, so that entries the index does not list are never held for more
            // than one shard
            for (TensorEntry listed : reader.header().entries()) {
                if (!shard.equals(weightMap.get(listed.name()))) {
                    throw invalid(reader.file(), listed.name(), "tensor not listed in the index");
                }
            }
            String shardSaveId = reader.header().metadata().get(FormatKeys.SAVE_ID);
            if (saveId != null && !saveId.equals(shardSaveId)) {
                throw invalid(
                        reader.file(),
                        FormatKeys.SAVE_ID,
                        "shard belongs to save "
                                + shardSaveId
                                + ", the index to save "
                                + saveId
                                + " (a sharded save was interrupted?)");
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private static TensorFileFormatException headersTooLarge(String shard, ReadOptions options) {
        return new TensorFileFormatException(
                Kind.HEADER_TOO_LARGE,
                Locations.asPath(shard),
                "header length",
                "with this shard, the headers of the index's shards together exceed the header"
                        + " cap of "
                        + options.maxHeaderBytes()
                        + " bytes");
    }

    /**
     * Checks that the opened shards belong to the set of {@code count} shards the index names, each
     * with its own number, so that an index missing every entry of one shard is not read as
     * complete.
     */
    private void checkShardNumbers(Collection<TensorFileReader> shards, int count)
            throws TensorFileFormatException {
        Set<Integer> seen = new HashSet<>();
        for (TensorFileReader shard : shards) {
            String text = shard.header().metadata().get(FormatKeys.SHARD);
            Matcher m = text == null ? null : SHARD_NUMBER.matcher(text);
            if (m == null || !m.matches()) {
                throw invalid(shard.file(), FormatKeys.SHARD, "expected \"i/N\", found " + text);
            }
            int number = Integer.parseInt(m.group(1));
            int total = Integer.parseInt(m.group(2));
            if (total != count || number > total || !seen.add(number)) {
                throw invalid(
                        file,
                        "weight_map",
                        "names "
                                + count
                                + " shards, but "
                                + shard.file().getFileName()
                                + " is shard "
                                + text);
            }
        }
    }

    private static TensorFileFormatException invalid(Path file, String subject, String detail) {
        return new TensorFileFormatException(Kind.INVALID_INDEX, file, subject, detail);
    }
}
