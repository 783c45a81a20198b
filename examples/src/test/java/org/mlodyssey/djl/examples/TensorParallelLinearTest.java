/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example of docs/distributed-checkpoints.md runs, its code is the document's sample,
 * and {@code inspect}/{@code verify} show and check the checkpoint it writes.
 */
class TensorParallelLinearTest {

    @TempDir Path dir;

    @Test
    void twoRanksSaveOneProcessLoadsTheWholeLayer() throws Exception {
        TensorParallelLinear.Result result = TensorParallelLinear.runExample(dir.toString());
        assertTrue(result.weightsIdentical(), result.toString());
        assertTrue(result.maxDifference() < 1e-5, result.toString());
    }

    @Test
    void theDocumentsSampleIsTheCompiledExample() throws IOException {
        DocSamples.assertFirstSampleIs(
                Path.of("..", "docs", "distributed-checkpoints.md"),
                Path.of("src/main/java/org/mlodyssey/djl/examples/TensorParallelLinear.java"),
                "// The sample of docs/distributed-checkpoints.md, from here:");
    }

    @Test
    void inspectShowsTheChunkLayoutAndVerifyFindsDamage() throws Exception {
        TensorParallelLinear.runExample(dir.toString());
        Path checkpoint = dir.resolve("step-100");
        Cli.Outcome inspect = Cli.run("inspect", checkpoint.toString());
        assertEquals(0, inspect.exit(), inspect.toString());
        assertTrue(inspect.out().contains("(distributed checkpoint)"), inspect.toString());
        assertTrue(
                inspect.out().contains("linear.weight  F32  [8, 6]  192 bytes, 2 chunks"),
                inspect.toString());
        assertTrue(inspect.out().contains("[4:8, 0:6]"), inspect.toString());
        assertTrue(inspect.out().contains("integrity:  intact"), inspect.toString());
        Cli.Outcome json = Cli.run("inspect", checkpoint.toString(), "--json");
        assertEquals(2, json.json().get("world_size").getAsInt(), json.toString());

        Cli.Outcome verify = Cli.run("verify", checkpoint.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(
                verify.out().contains("intact (distributed checkpoint of 2 ranks, 2 tensors"),
                verify.toString());

        Path rank1 = checkpoint.resolve("rank-00001-of-00002.safetensors");
        try (FileChannel channel =
                FileChannel.open(rank1, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            last.put(0, (byte) (last.get(0) ^ 1)).rewind();
            channel.write(last, channel.size() - 1);
        }
        Cli.Outcome damaged = Cli.run("verify", checkpoint.toString());
        assertEquals(1, damaged.exit(), damaged.toString());
        assertTrue(damaged.err().contains("rank-00001-of-00002.safetensors"), damaged.toString());
        assertEquals(1, Cli.run("inspect", checkpoint.toString()).exit());
    }
}
