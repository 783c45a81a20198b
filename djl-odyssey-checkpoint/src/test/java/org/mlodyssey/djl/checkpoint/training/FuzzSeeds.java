/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mockito.Mockito;

/**
 * Writes the seed corpora of the checkpoint module's fuzz targets with the project's own writers:
 * {@code mvn -q -pl djl-odyssey-checkpoint test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.mlodyssey.djl.checkpoint.training.FuzzSeeds} from the repository root, or
 * run {@code main} from an IDE with the module as working directory.
 */
public final class FuzzSeeds {

    private static final Path RESOURCES =
            Path.of("src/test/resources/org/mlodyssey/djl/checkpoint");

    private FuzzSeeds() {}

    /**
     * Writes the seeds.
     *
     * @param args unused
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path tensors = seedDir("format/TensorFileFuzzTestInputs/fuzz");
        checkpoint().save(tensors.resolve("v1.safetensors"));
        new TensorFile().save(tensors.resolve("empty.safetensors"));
        Files.write(tensors.resolve("plain.safetensors"), plainSafetensors());

        Path shards = seedDir("format/ShardIndexFuzzTestShards");
        WriteOptions small = WriteOptions.builder().optMaxShardBytes(16).build();
        checkpoint().save(shards.resolve("model.safetensors"), small);
        Path index = seedDir("format/ShardIndexFuzzTestInputs/fuzz");
        Files.move(
                shards.resolve("model.safetensors.index.json"),
                index.resolve("model.safetensors.index.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Path manifests = seedDir("training/TrainingJsonFuzzTestInputs/fuzz");
        Map<String, TrainingCheckpointManifest.FileEntry> files = new LinkedHashMap<>();
        files.put(
                TrainingCheckpoint.PARAMETERS_FILE,
                new TrainingCheckpointManifest.FileEntry(824, 0x1234abcd));
        files.put(
                TrainingCheckpoint.OPTIMIZER_FILE,
                new TrainingCheckpointManifest.FileEntry(1024, 7));
        files.put(
                TrainingStateJson.FILE_NAME,
                new TrainingCheckpointManifest.FileEntry(311, 0xcafebabe));
        TrainingCheckpointManifest manifest =
                new TrainingCheckpointManifest(
                        1,
                        120,
                        2,
                        17,
                        Instant.parse("2026-11-30T08:00:00.5Z"),
                        "0.36.0",
                        "PyTorch",
                        "2.7.1",
                        Map.of("model", "lenet", "resumed_at", "60"),
                        files);
        // The first byte chooses the parser: 'M' the manifest, anything else the trainer state.
        Files.writeString(manifests.resolve("manifest"), "M" + manifest.toJson());
        TrainingProgress progress =
                new TrainingProgress(
                        -42L,
                        2,
                        17,
                        120,
                        List.of(
                                Map.of("train_loss", 0.5f, "accuracy", Float.NaN),
                                Map.of("train_loss", 0.25f)));
        OptimizerState optimizer =
                new OptimizerState(
                        "ai.djl.training.optimizer.Adam",
                        Map.of("updateCount", 120L),
                        Map.of(),
                        Mockito.mock(NDManager.class));
        Files.writeString(
                manifests.resolve("trainer-state"),
                "S" + TrainingStateJson.render(progress, optimizer));
    }

    private static Path seedDir(String relative) throws IOException {
        return Files.createDirectories(RESOURCES.resolve(relative));
    }

    private static TensorFile checkpoint() {
        TensorFile checkpoint = new TensorFile();
        ByteBuffer weights = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            weights.putFloat(i * 0.5f);
        }
        checkpoint.put("fc.weight", Tensor.of(TensorDType.F32, new long[] {2, 3}, weights.flip()));
        checkpoint.put(
                "step",
                Tensor.of(
                        TensorDType.I64,
                        new long[] {},
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 7)));
        checkpoint.put(
                "mask",
                Tensor.of(
                        TensorDType.BOOL,
                        new long[] {4},
                        ByteBuffer.wrap(new byte[] {0, 1, 1, 0})));
        checkpoint.put(
                "half", Tensor.of(TensorDType.F16, new long[] {2, 0}, ByteBuffer.allocate(0)));
        checkpoint.putMetadata("epoch", "3");
        return checkpoint;
    }

    /**
     * A plain safetensors file, as another writer would make it: no odyssey metadata, no padding.
     */
    private static byte[] plainSafetensors() {
        byte[] header =
                ("{\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                     + "\"b\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[3,7]}}")
                        .getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + 7).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header).put(new byte[] {1, 2, 3, 4, 0, 0, 0});
        return file.array();
    }
}
