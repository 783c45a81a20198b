/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.assertFormatError;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/** Sharded saves in the Hugging Face layout, loaded transparently and checked for consistency. */
class ShardingTest {

    @TempDir Path dir;

    private static WriteOptions shards(long maxBytes) {
        return WriteOptions.builder().optDurable(false).optMaxShardBytes(maxBytes).build();
    }

    /** Seven tensors of 40 bytes each in a deliberately unsorted name order. */
    private static TensorFile checkpoint(long seed) {
        Random random = new Random(seed);
        TensorFile checkpoint = new TensorFile();
        for (String name : List.of("z", "b.weight", "a", "m/1", "c", "y", "x")) {
            byte[] data = new byte[40];
            random.nextBytes(data);
            checkpoint.put(
                    name, Tensor.of(TensorDType.F32, new long[] {2, 5}, ByteBuffer.wrap(data)));
        }
        checkpoint.putMetadata("epoch", "4");
        return checkpoint;
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] result = new byte[buffer.remaining()];
        buffer.duplicate().get(result);
        return result;
    }

    private static void assertSame(TensorFile expected, TensorFile actual) throws IOException {
        assertEquals(new ArrayList<>(expected.names()), new ArrayList<>(actual.names()));
        for (String name : expected.names()) {
            assertArrayEquals(bytes(expected.get(name).data()), bytes(actual.get(name).data()));
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape());
        }
        assertEquals(expected.metadata(), actual.metadata());
    }

    /** Asserts that a failed load left no file of the directory open. */
    private void assertNothingOpen() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(Fixtures::assertNotOpen);
        }
    }

    private JsonObject index(Path path) throws IOException {
        return JsonParser.parseString(Files.readString(path)).getAsJsonObject();
    }

    @Test
    void shardsFollowTheHuggingFaceLayout() throws IOException {
        Path path = dir.resolve("model.safetensors");
        TensorFile original = checkpoint(1);
        original.save(path, shards(100)); // two 40-byte tensors per shard: 4 shards
        assertEquals(
                List.of(
                        "model-00001-of-00004.safetensors",
                        "model-00002-of-00004.safetensors",
                        "model-00003-of-00004.safetensors",
                        "model-00004-of-00004.safetensors",
                        "model.safetensors.index.json"),
                listing());
        JsonObject index = index(dir.resolve("model.safetensors.index.json"));
        assertEquals(7 * 40, index.getAsJsonObject("metadata").get("total_size").getAsLong());
        Map<String, String> weightMap = new LinkedHashMap<>();
        index.getAsJsonObject("weight_map")
                .entrySet()
                .forEach(e -> weightMap.put(e.getKey(), e.getValue().getAsString()));
        assertEquals(new ArrayList<>(original.names()), new ArrayList<>(weightMap.keySet()));
        assertEquals("model-00001-of-00004.safetensors", weightMap.get("z"));
        assertEquals("model-00001-of-00004.safetensors", weightMap.get("b.weight"));
        assertEquals("model-00004-of-00004.safetensors", weightMap.get("x"));
        // every shard is a valid file of its own holding exactly its tensors
        for (String shard : weightMap.values().stream().distinct().collect(Collectors.toList())) {
            try (TensorFileReader reader = TensorFileReader.open(dir.resolve(shard))) {
                List<String> names =
                        reader.header().entries().stream()
                                .map(TensorEntry::name)
                                .collect(Collectors.toList());
                List<String> expected =
                        weightMap.entrySet().stream()
                                .filter(e -> e.getValue().equals(shard))
                                .map(Map.Entry::getKey)
                                .collect(Collectors.toList());
                assertEquals(expected, names);
                reader.verify();
            }
        }
    }

    @Test
    void loadsTransparentlyByNameOrByIndex() throws IOException {
        Path path = dir.resolve("model.safetensors");
        TensorFile original = checkpoint(2);
        original.save(path, shards(100));
        assertTrue(TensorFile.exists(path));
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(original, loaded);
            assertEquals(Integrity.VERIFIED, loaded.integrity());
            loaded.verify();
        }
        try (TensorFile loaded = TensorFile.load(dir.resolve("model.safetensors.index.json"))) {
            assertSame(original, loaded);
        }
        ReadOptions subset = ReadOptions.builder().optNames(List.of("x", "a")).build();
        try (TensorFile loaded = TensorFile.load(path, subset)) {
            assertEquals(List.of("a", "x"), new ArrayList<>(loaded.names()));
            assertArrayEquals(bytes(original.get("x").data()), bytes(loaded.get("x").data()));
        }
    }

    @Test
    void aResaveWithFewerShardsDeletesTheStaleOnes() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(3).save(path, shards(50)); // 7 shards
        assertEquals(8, listing().size());
        TensorFile smaller = checkpoint(4);
        smaller.save(path, shards(200)); // 2 shards
        assertEquals(
                List.of(
                        "model-00001-of-00002.safetensors",
                        "model-00002-of-00002.safetensors",
                        "model.safetensors.index.json"),
                listing());
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(smaller, loaded);
        }
    }

    @Test
    void switchingBetweenSingleAndShardedLoadsTheLatestSave() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(5).save(path, shards(Long.MAX_VALUE));
        TensorFile sharded = checkpoint(6);
        sharded.save(path, shards(100));
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(sharded, loaded);
        }
        TensorFile single = checkpoint(7);
        single.save(path, shards(Long.MAX_VALUE));
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(single, loaded);
        }
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void aShardFromAnotherSaveIsDetected() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(8).save(path, shards(100));
        Path other = dir.resolve("other");
        Files.createDirectory(other);
        checkpoint(9).save(other.resolve("model.safetensors"), shards(100));
        Path shard = dir.resolve("model-00002-of-00004.safetensors");
        Files.copy(
                other.resolve("model-00002-of-00004.safetensors"),
                shard,
                StandardCopyOption.REPLACE_EXISTING);
        assertFormatError(
                Kind.INVALID_INDEX, shard, FormatKeys.SAVE_ID, () -> TensorFile.load(path).close());
        assertNothingOpen();
    }

    private Path rewriteIndex(String from, String to) throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        String text = Files.readString(index, StandardCharsets.UTF_8);
        assertTrue(text.contains(from), text);
        Files.writeString(index, text.replace(from, to), StandardCharsets.UTF_8);
        return index;
    }

    @Test
    void anIndexNamingAMissingTensorIsDetected() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(10).save(path, shards(100));
        rewriteIndex(
                "\"z\": \"model-00001-of-00004.safetensors\",",
                "\"z\": \"model-00001-of-00004.safetensors\",\n"
                        + "    \"ghost\": \"model-00001-of-00004.safetensors\",");
        assertFormatError(
                Kind.MISSING_TENSOR,
                dir.resolve("model-00001-of-00004.safetensors"),
                "ghost",
                () -> TensorFile.load(path).close());
        assertNothingOpen();
    }

    @Test
    void anIndexMissingAWholeShardIsDetected() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(12).save(path, shards(100));
        Path indexPath = dir.resolve("model.safetensors.index.json");
        JsonObject index = index(indexPath);
        // "x" is alone in the last shard: without it the index names 3 shards of a set of 4.
        index.getAsJsonObject("weight_map").remove("x");
        Files.writeString(indexPath, index.toString());
        assertFormatError(
                Kind.INVALID_INDEX, indexPath, "weight_map", () -> TensorFile.load(path).close());
        assertNothingOpen();
    }

    @Test
    void anIndexWithAPathTraversalIsRejected() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(11).save(path, shards(100));
        Path index =
                rewriteIndex(
                        "\"x\": \"model-00004-of-00004.safetensors\"",
                        "\"x\": \"../model-00004-of-00004.safetensors\"");
        assertFormatError(
                Kind.INVALID_INDEX, index, "weight_map.x", () -> TensorFile.load(path).close());
        assertNothingOpen();
        rewriteIndex("\"../model-00004-of-00004.safetensors\"", "\"..\"");
        assertFormatError(
                Kind.INVALID_INDEX, index, "weight_map.x", () -> TensorFile.load(path).close());
        assertNothingOpen();
        assertFalse(Files.exists(dir.resolve("..").resolve("model-00004-of-00004.safetensors")));
    }

    @Test
    void aMissingShardIsATypedError() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(13).save(path, shards(100));
        Files.delete(dir.resolve("model-00003-of-00004.safetensors"));
        assertFormatError(
                Kind.INVALID_INDEX,
                dir.resolve("model.safetensors.index.json"),
                "weight_map.c",
                () -> TensorFile.load(path).close());
        assertNothingOpen();
    }

    @Test
    void anIndexThatIsNotJsonIsRejected() throws IOException {
        Path path = dir.resolve("model.safetensors");
        checkpoint(12).save(path, shards(100));
        Path index = rewriteIndex("\"weight_map\": {", "\"weight_map\": [");
        assertFormatError(Kind.INVALID_INDEX, index, null, () -> TensorFile.load(path).close());
        assertNothingOpen();
    }

    @Test
    void aFailedShardedSaveLeavesThePreviousSaveLoadable() throws IOException {
        Path path = dir.resolve("model.safetensors");
        TensorFile previous = checkpoint(14);
        previous.save(path, shards(100));
        // a tensor whose data cannot be read: lazy, from a checkpoint already closed
        Path elsewhere = dir.resolve("elsewhere");
        Files.createDirectory(elsewhere);
        checkpoint(15).save(elsewhere.resolve("e.safetensors"), shards(Long.MAX_VALUE));
        TensorFile closed = TensorFile.load(elsewhere.resolve("e.safetensors"));
        closed.close();
        List<String> before = listing();
        TensorFile failing = checkpoint(16);
        failing.put("x", closed.get("x")); // last, so in the last shard
        WriteOptions oneThread =
                WriteOptions.builder()
                        .optDurable(false)
                        .optMaxShardBytes(100)
                        .optThreads(1)
                        .build();
        org.junit.jupiter.api.Assertions.assertThrows(
                IOException.class, () -> failing.save(path, oneThread));
        assertEquals(before, listing());
        try (TensorFile loaded = TensorFile.load(path)) {
            assertSame(previous, loaded);
        }
    }
}
