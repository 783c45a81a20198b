/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;

/**
 * Single-file saves and loads of {@link StoredNDArrays} on {@code s3://} locations of a real
 * S3Proxy on 127.0.0.1: the same bytes as on disk, multipart above a part, checked on load.
 */
class S3NDArrayFilesTest extends S3ProxyTestBase {

    private S3StoreOptions options() {
        return LoopbackS3Server.options(proxy.endpoint())
                .optPartSize(PART)
                .optParallelism(3)
                .build();
    }

    private static Map<String, NDArray> arrays(NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        // 12 MiB: three parts of 5 MiB go up as a multipart upload and come down as ranged GETs
        arrays.put(
                "weight",
                manager.randomUniform(-1, 1, new Shape(3 << 20)).toType(DataType.FLOAT32, false));
        arrays.put("steps", manager.arange(0, 10, 1, DataType.INT64));
        arrays.put("mask", manager.create(new boolean[] {true, false, true}));
        return arrays;
    }

    @Test
    void aSaveIsTheFileADiskSaveWritesAndLoadsBackEqual(@TempDir Path dir) throws Exception {
        String location = "s3://" + bucket + "/models/x.safetensors";
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> saved = arrays(manager);
            WrittenObject written =
                    StoredNDArrays.save(location, options(), saved, Map.of("k", "v"));
            Path local = dir.resolve("x.safetensors");
            NDArrayFiles.save(local, saved, Map.of("k", "v"));
            assertEquals(Files.size(local), written.size());
            try (S3CheckpointStore store =
                    S3CheckpointStore.open("s3://" + bucket + "/models", options())) {
                assertArrayEquals(Files.readAllBytes(local), readAll(store, "x.safetensors"));
                assertEquals(List.of(), store.listIncompleteUploads(""));
            }
            assertTrue(
                    proxy.requests().stream().anyMatch(line -> line.contains("partNumber=3")),
                    "uploaded in parts");

            Map<String, NDArray> loaded =
                    StoredNDArrays.load(location, options(), manager, Device.cpu());
            assertEquals(saved.keySet(), loaded.keySet());
            for (String name : saved.keySet()) {
                assertEquals(saved.get(name), loaded.get(name), name);
            }
        }
    }

    @Test
    void aByteFlippedInTheBucketFailsTheLoadNamingTheTensor(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                S3CheckpointStore store =
                        S3CheckpointStore.open("s3://" + bucket + "/models", options())) {
            Path local = dir.resolve("x.safetensors");
            NDArrayFiles.save(local, arrays(manager), Map.of());
            byte[] bytes = Files.readAllBytes(local);
            bytes[bytes.length - 20] ^= 0x01; // in the data of the last tensors
            store.write("x.safetensors", channel -> channel.write(ByteBuffer.wrap(bytes)));

            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () ->
                                    StoredNDArrays.load(
                                            store, "x.safetensors", manager, Device.cpu()));
            assertEquals(TensorFileFormatException.Kind.CHECKSUM_MISMATCH, e.getKind());
            assertTrue(
                    e.getMessage().startsWith("s3://" + bucket + "/models/x.safetensors: "),
                    e.getMessage());
        }
    }

    @Test
    void aMissingObjectIsNoSuchFile() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            assertThrows(
                    java.nio.file.NoSuchFileException.class,
                    () ->
                            StoredNDArrays.load(
                                    "s3://" + bucket + "/models/none.safetensors",
                                    options(),
                                    manager,
                                    Device.cpu()));
        }
    }
}
