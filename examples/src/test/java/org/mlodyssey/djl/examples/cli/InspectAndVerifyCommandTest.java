/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import picocli.CommandLine;

/** Pins {@code odyssey inspect} and {@code odyssey verify} on real files. */
class InspectAndVerifyCommandTest {

    @TempDir Path dir;
    private Path file;

    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new OdysseyCommand());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void writeCheckpoint() throws IOException {
        ByteBuffer weights = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            weights.putFloat(i * 0.5f);
        }
        weights.flip();
        TensorFile checkpoint = new TensorFile();
        checkpoint.put("fc.weight", Tensor.of(TensorDType.F32, new long[] {2, 3}, weights));
        checkpoint.put("step", Tensor.of(TensorDType.I64, new long[] {}, ByteBuffer.allocate(8)));
        checkpoint.putMetadata("epoch", "4");
        file = dir.resolve("model.safetensors");
        checkpoint.save(file);
    }

    private void flipLastByte() throws IOException {
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long last = channel.size() - 1;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, last);
            one.put(0, (byte) (one.get(0) ^ 1)).rewind();
            channel.write(one, last);
        }
    }

    @Test
    void inspectListsTensorsMetadataVersionAndIntegrity() {
        Result result = run("inspect", file.toString());
        assertEquals(0, result.exit, result.err);
        assertTrue(result.out.contains("djl-odyssey v1"), result.out);
        assertTrue(result.out.contains("integrity:  intact"), result.out);
        assertTrue(result.out.contains("epoch = 4"), result.out);
        assertTrue(
                result.out.matches("(?s).*fc\\.weight\\s+F32\\s+\\[2, 3\\]\\s+24.*"), result.out);
        assertTrue(result.out.matches("(?s).*step\\s+I64\\s+\\[\\]\\s+8.*"), result.out);
    }

    @Test
    void inspectJsonIsOneParsableObject() {
        Result result = run("inspect", "--json", file.toString());
        assertEquals(0, result.exit, result.err);
        JsonObject json = JsonParser.parseString(result.out).getAsJsonObject();
        assertEquals(1, json.get("format_version").getAsInt());
        assertEquals("intact", json.get("integrity").getAsString());
        assertEquals("4", json.getAsJsonObject("metadata").get("epoch").getAsString());
        assertEquals(2, json.getAsJsonArray("tensors").size());
        assertEquals(32, json.get("total_bytes").getAsLong());
    }

    @Test
    void verifyPassesAnIntactFile() {
        Result result = run("verify", file.toString());
        assertEquals(0, result.exit, result.err);
        assertTrue(result.out.contains("intact (2 tensors"), result.out);
    }

    @Test
    void verifyAndInspectNameTheDamagedTensor() throws IOException {
        flipLastByte(); // the last data byte belongs to "step"
        Result verify = run("verify", file.toString());
        assertEquals(1, verify.exit);
        assertTrue(verify.err.contains(file.toString()), verify.err);
        assertTrue(verify.err.contains("step"), verify.err);
        assertTrue(verify.err.contains("CHECKSUM_MISMATCH"), verify.err);
        Result inspect = run("inspect", file.toString());
        assertEquals(1, inspect.exit);
        assertTrue(inspect.out.contains("integrity:  damaged"), inspect.out);
    }

    @Test
    void verifyReportsATruncatedFile() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        Result verify = run("verify", file.toString());
        assertEquals(1, verify.exit);
        assertTrue(verify.err.contains("TRUNCATED"), verify.err);
    }

    @Test
    void verifySaysAPlainSafetensorsFileHasNothingToCheck() throws IOException {
        String header = "{\"x\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        ByteBuffer bytes =
                ByteBuffer.allocate(8 + header.length() + 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(header.length())
                .put(header.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        bytes.put((byte) 1).put((byte) 2);
        Path plain = dir.resolve("plain.safetensors");
        Files.write(plain, bytes.array());
        Result verify = run("verify", plain.toString());
        assertEquals(VerifyCommand.EXIT_UNVERIFIABLE, verify.exit);
        Result inspect = run("inspect", plain.toString());
        assertEquals(0, inspect.exit, inspect.err);
        assertTrue(inspect.out.contains("plain safetensors"), inspect.out);
        assertTrue(inspect.out.contains("integrity:  unchecked"), inspect.out);
    }

    @Test
    void aPathThatDoesNotExistIsSaidSoNotCalledDamaged() {
        String nope = dir.resolve("nope").toString();
        for (String command : new String[] {"verify", "inspect"}) {
            Result result = run(command, nope);
            assertEquals(1, result.exit, result.err);
            assertEquals(
                    "odyssey " + command + ": no such file or directory: " + nope,
                    result.err.strip());
            assertEquals("", result.out);
        }
    }
}
