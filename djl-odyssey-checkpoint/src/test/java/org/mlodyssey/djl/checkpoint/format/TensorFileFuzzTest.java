/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the named-tensor reader: any bytes, opened with and without verification, every tensor
 * read and checked. The only failure allowed is a {@link CheckpointFormatException}; anything else
 * (another exception, an {@link OutOfMemoryError} in the 256 MiB fuzz JVM, a hang) is a finding.
 * Seeds: {@code TensorFileFuzzTestInputs/fuzz/}, files written by the writer.
 */
class TensorFileFuzzTest {

    private static final Path FILE = FuzzFiles.scratch("tensor-fuzz.safetensors");

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        for (boolean verify : new boolean[] {false, true}) {
            ReadOptions options = ReadOptions.builder().optVerify(verify).build();
            try (Checkpoint checkpoint = Checkpoint.load(FILE, options)) {
                checkpoint.metadata();
                for (Tensor tensor : checkpoint.tensors().values()) {
                    if (tensor.byteSize() <= 1 << 20) {
                        tensor.data();
                    }
                    tensor.verify();
                }
                checkpoint.verify();
            } catch (CheckpointFormatException expected) {
                // a typed error: what a malformed file must give
            }
        }
    }
}
