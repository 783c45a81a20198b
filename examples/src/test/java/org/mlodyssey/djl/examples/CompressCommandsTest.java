/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;

/** {@code odyssey train --compress}, {@code odyssey convert} and what {@code inspect} shows. */
class CompressCommandsTest {

    @TempDir Path dir;

    private static int version(Path file) throws IOException {
        try (TensorFileReader reader = TensorFileReader.open(file)) {
            return reader.formatVersion();
        }
    }

    private Path weights() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4 * 50_000).order(ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(1);
        while (data.hasRemaining()) {
            data.putFloat((float) (random.nextGaussian() * 0.02));
        }
        data.flip();
        Path file = dir.resolve("w.safetensors");
        new TensorFile()
                .put("fc.weight", Tensor.of(TensorDType.F32, new long[] {250, 200}, data))
                .putMetadata("epoch", "4")
                .save(file);
        return file;
    }

    @Test
    void convertCompressesAndBackAndInspectShowsCodecAndRatio() throws IOException {
        Path plain = weights();
        Path compressed = dir.resolve("z.safetensors");
        Cli.Outcome convert =
                Cli.run("convert", plain.toString(), compressed.toString(), "--compress", "zstd:5");
        assertEquals(0, convert.exit(), convert.toString());
        assertEquals(FormatKeys.COMPRESSED_VERSION, version(compressed));
        assertTrue(Files.size(compressed) < Files.size(plain));

        Cli.Outcome inspect = Cli.run("inspect", compressed.toString());
        assertEquals(0, inspect.exit(), inspect.toString());
        assertTrue(inspect.out().contains("djl-odyssey v2"), inspect.out());
        assertTrue(inspect.out().contains("epoch = 4"), inspect.out());
        assertTrue(
                inspect.out()
                        .matches(
                                "(?s).*fc\\.weight\\s+F32\\s+\\[250, 200\\]\\s+200000\\s+"
                                        + "split-planes\\+zstd\\s+1\\.\\d{3}x.*"),
                inspect.out());
        assertRatioColumnAligned(inspect.out());
        JsonObject json = Cli.run("inspect", "--json", compressed.toString()).json();
        JsonObject row = json.getAsJsonArray("tensors").get(0).getAsJsonObject();
        assertEquals("split-planes+zstd", row.get("codec").getAsString());
        assertTrue(row.get("ratio").getAsDouble() > 1.0, row.toString());

        Path back = dir.resolve("back.safetensors");
        Cli.Outcome undo =
                Cli.run("convert", compressed.toString(), back.toString(), "--no-compress");
        assertEquals(0, undo.exit(), undo.toString());
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(back));
    }

    /** The "ratio" header and every row's ratio start in one column, however long the codec. */
    private static void assertRatioColumnAligned(String out) {
        String[] lines = out.split("\\R");
        int header = -1;
        for (String line : lines) {
            if (header < 0 && line.contains(" codec ") && line.endsWith("ratio")) {
                header = line.length() - "ratio".length();
            } else if (header >= 0 && line.matches(".*\\d\\.\\d{3}x")) {
                assertEquals(header, line.lastIndexOf(' ') + 1, out);
            }
        }
        assertTrue(header >= 0, out);
    }

    @Test
    void badCompressValuesAreUsageErrors() throws IOException {
        Path plain = weights();
        Path out = dir.resolve("out.safetensors");
        Cli.Outcome lz4 = Cli.run("convert", plain.toString(), out.toString(), "--compress", "lz4");
        assertEquals(2, lz4.exit(), lz4.toString());
        assertTrue(lz4.err().contains("--compress"), lz4.err());
        Cli.Outcome both =
                Cli.run(
                        "convert",
                        plain.toString(),
                        out.toString(),
                        "--compress",
                        "zstd",
                        "--no-compress");
        assertEquals(2, both.exit(), both.toString());
        Cli.Outcome train =
                Cli.run(
                        "train",
                        "--dataset",
                        "emnist",
                        "--compress",
                        "zstd:99",
                        "--checkpoint-dir",
                        dir.resolve("unused").toString());
        assertEquals(2, train.exit(), train.toString());
        assertTrue(train.err().contains("--compress"), train.err());
        assertTrue(Files.notExists(out) && Files.notExists(dir.resolve("unused")));
    }

    @Test
    void trainWritesCompressedCheckpoints() throws IOException {
        Path data = dir.resolve("data");
        DemoEmnistFiles.write(data, 2, 1, 5);
        Path run = dir.resolve("run");
        Cli.Outcome train =
                Cli.run(
                        "train",
                        "--dataset",
                        "emnist",
                        "--data-dir",
                        data.toString(),
                        "--model",
                        "mlp",
                        "--epochs",
                        "1",
                        "--batch-size",
                        "16",
                        "--compress",
                        "zstd",
                        "--checkpoint-dir",
                        run.toString());
        assertEquals(0, train.exit(), train.toString());
        Path checkpoint = Path.of(train.json().get("checkpoint").getAsString());
        assertEquals(
                FormatKeys.COMPRESSED_VERSION,
                version(checkpoint.resolve(TrainingCheckpoint.PARAMETERS_FILE)));
        Cli.Outcome verify = Cli.run("verify", run.toString());
        assertEquals(0, verify.exit(), verify.toString());
        Cli.Outcome inspect = Cli.run("inspect", checkpoint.toString());
        assertTrue(inspect.out().contains("split-planes+zstd"), inspect.out());
    }
}
