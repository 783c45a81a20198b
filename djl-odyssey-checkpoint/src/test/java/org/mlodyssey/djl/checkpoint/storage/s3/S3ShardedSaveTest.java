/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.s3.FaultInjectingProxy.Fault;

/**
 * Sharded saves and loads of {@link StoredNDArrays} on a bucket of a real S3Proxy on 127.0.0.1:
 * shards under their final keys, the index last, loads that read only the shards asked for, a
 * missing shard named, and a failed shard upload that commits nothing and leaves no upload open.
 */
class S3ShardedSaveTest extends S3ProxyTestBase {

    private static final String SHARD_1 = "x-00001-of-00003.safetensors";
    private static final String SHARD_2 = "x-00002-of-00003.safetensors";
    private static final String SHARD_3 = "x-00003-of-00003.safetensors";
    private static final String INDEX = "x.safetensors.index.json";

    private static final WriteOptions SHARDED =
            WriteOptions.builder().optMaxShardBytes(3 << 19).optThreads(3).build();

    private S3StoreOptions options() {
        return LoopbackS3Server.options(proxy.endpoint())
                .optPartSize(PART)
                .optParallelism(2)
                .optMaxAttempts(2)
                .build();
    }

    private S3CheckpointStore store() {
        return S3CheckpointStore.open("s3://" + bucket + "/models", options());
    }

    /** Three shards: 1 MiB, 6 MiB (a multipart upload of two parts), 1 MiB. */
    private static Map<String, NDArray> arrays(NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("a", manager.randomUniform(-1, 1, new Shape(1 << 18)));
        arrays.put("b", manager.randomUniform(-1, 1, new Shape(3 << 19)));
        arrays.put("c", manager.arange(0, 1 << 17, 1, DataType.INT64));
        return arrays;
    }

    private static List<String> keys(S3CheckpointStore store) throws IOException {
        List<String> keys = new ArrayList<>();
        for (StoredObject object : store.list("")) {
            keys.add(object.key());
        }
        return keys;
    }

    private static void assertEqualArrays(Map<String, NDArray> expected, Map<String, NDArray> got) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(got.keySet()));
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name), got.get(name), name);
        }
    }

    @Test
    void aShardedSaveWritesShardsAndIndexAndLoadsBack(@TempDir Path dir) throws Exception {
        String location = "s3://" + bucket + "/models/x.safetensors";
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                S3CheckpointStore store = store()) {
            Map<String, NDArray> saved = arrays(manager);
            StoredNDArrays.save(location, options(), saved, Map.of("k", "v"), SHARDED);

            assertEquals(List.of(SHARD_1, SHARD_2, SHARD_3, INDEX), keys(store));
            assertEquals(List.of(), store.listIncompleteUploads(""));
            assertTrue(
                    proxy.requests().stream()
                            .anyMatch(line -> line.contains(SHARD_2 + "?partNumber=2")),
                    "the large shard went up in parts");

            assertEqualArrays(
                    saved, StoredNDArrays.load(location, options(), manager, Device.cpu()));
            // by the index's own key too, and the same set loads from a directory
            assertEqualArrays(
                    saved,
                    StoredNDArrays.load(
                            "s3://" + bucket + "/models/" + INDEX,
                            options(),
                            manager,
                            Device.cpu()));
            String local = dir.resolve("x.safetensors").toString();
            StoredNDArrays.save(local, null, saved, Map.of(), SHARDED);
            assertEqualArrays(
                    saved, NDArrayFiles.load(dir.resolve("x.safetensors"), manager, Device.cpu()));
        }
    }

    @Test
    void aLoadOfSomeTensorsReadsOnlyTheirShards() throws Exception {
        String location = "s3://" + bucket + "/models/x.safetensors";
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> saved = arrays(manager);
            StoredNDArrays.save(location, options(), saved, Map.of(), SHARDED);
            int before = proxy.requests().size();

            Map<String, NDArray> loaded =
                    StoredNDArrays.load(
                            location,
                            options(),
                            manager,
                            Device.cpu(),
                            ReadOptions.builder().optNames(List.of("c")).build());
            assertEquals(Set.of("c"), loaded.keySet());
            assertEquals(saved.get("c"), loaded.get("c"));
            List<String> requests = proxy.requests().subList(before, proxy.requests().size());
            assertTrue(
                    requests.stream().anyMatch(line -> line.contains(SHARD_3)), requests::toString);
            assertFalse(
                    requests.stream()
                            .anyMatch(line -> line.contains(SHARD_1) || line.contains(SHARD_2)),
                    requests::toString);
        }
    }

    @Test
    void aMissingShardIsATypedErrorNamingIt() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                S3CheckpointStore store = store()) {
            StoredNDArrays.save(store, "x.safetensors", arrays(manager), Map.of(), SHARDED);
            store.delete(SHARD_2);

            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () ->
                                    StoredNDArrays.load(
                                            store, "x.safetensors", manager, Device.cpu()));
            assertEquals(TensorFileFormatException.Kind.INVALID_INDEX, e.getKind());
            assertEquals("weight_map.b", e.getSubject());
            assertTrue(
                    e.getMessage().contains("s3://" + bucket + "/models/" + SHARD_2),
                    e.getMessage());
            // a load of the tensors of the other shards still works
            assertEquals(
                    Set.of("a", "c"),
                    StoredNDArrays.load(
                                    store,
                                    "x.safetensors",
                                    manager,
                                    Device.cpu(),
                                    ReadOptions.builder().optNames(List.of("a", "c")).build())
                            .keySet());
        }
    }

    @Test
    void aShardUploadFailingPermanentlyCommitsNothingAndLeavesNoUpload() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                S3CheckpointStore store = store()) {
            proxy.inject(
                    line -> line.startsWith("PUT ") && line.contains(SHARD_2 + "?partNumber=2"),
                    Fault.SERVICE_UNAVAILABLE,
                    1000);
            IOException e =
                    assertThrows(
                            IOException.class,
                            () ->
                                    StoredNDArrays.save(
                                            store,
                                            "x.safetensors",
                                            arrays(manager),
                                            Map.of(),
                                            SHARDED));
            assertTrue(e.getMessage().contains(SHARD_2), e.getMessage());
            assertEquals(List.of(), keys(store), "no index, and no shard left");
            assertEquals(List.of(), store.listIncompleteUploads(""));
        }
    }

    @Test
    void aResaveReplacesTheEarlierSaveWhateverItsShape() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                S3CheckpointStore store = store()) {
            Map<String, NDArray> saved = arrays(manager);
            StoredNDArrays.save(store, "x.safetensors", saved, Map.of(), SHARDED);
            Map<String, NDArray> two = new LinkedHashMap<>(saved);
            two.remove("b");
            StoredNDArrays.save(store, "x.safetensors", two, Map.of(), SHARDED);
            assertEquals(
                    List.of("x-00001-of-00002.safetensors", "x-00002-of-00002.safetensors", INDEX),
                    keys(store));
            assertEqualArrays(
                    two, StoredNDArrays.load(store, "x.safetensors", manager, Device.cpu()));

            StoredNDArrays.save(store, "x.safetensors", two, Map.of(), WriteOptions.defaults());
            assertEquals(List.of("x.safetensors"), keys(store));
            StoredNDArrays.save(store, "x.safetensors", saved, Map.of(), SHARDED);
            assertEquals(List.of(SHARD_1, SHARD_2, SHARD_3, INDEX), keys(store));
            assertEqualArrays(
                    saved, StoredNDArrays.load(store, "x.safetensors", manager, Device.cpu()));
        }
    }
}
