/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * Fuzzes the shard index: any bytes as {@code model.safetensors.index.json} next to the two real
 * shards of a sharded save ({@code ShardIndexFuzzTestShards/}), loaded and verified. The only
 * failures allowed are a {@link TensorFileFormatException} or a {@link BoundedReadException}.
 */
class ShardIndexFuzzTest {

    private static final Path INDEX = shardsAndIndex();

    private static Path shardsAndIndex() {
        String[] shards = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
        try {
            for (String shard : shards) {
                try (InputStream in =
                        ShardIndexFuzzTest.class.getResourceAsStream(
                                "ShardIndexFuzzTestShards/" + shard)) {
                    Files.copy(in, FuzzFiles.scratch(shard), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return FuzzFiles.scratch("model.safetensors.index.json");
    }

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        Files.write(INDEX, bytes);
        try (TensorFile checkpoint = TensorFile.load(INDEX)) {
            checkpoint.verify();
        } catch (TensorFileFormatException | BoundedReadException expected) {
            // a typed error: what a malformed index must give
        }
    }
}
