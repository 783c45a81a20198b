/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import picocli.CommandLine;

/**
 * What the command line does with hostile input: it never hangs or runs out of memory, prints one
 * line per failure, and never lets a string read from a file fake its output.
 */
class HostileInputCommandTest {

    private static final String CHECKPOINT = "step-000000000010-epoch-000000-batch-000000010";

    @TempDir Path dir;

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = OdysseyCommand.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static void assertNoControlCharacters(String text) {
        assertFalse(text.chars().anyMatch(c -> c < 0x20 && c != '\n' || c == 0x7f), () -> text);
    }

    @Test
    void inspectEscapesNamesAndMetadataSoThatTheyCannotFakeALine() throws IOException {
        Path file = dir.resolve("evil.safetensors");
        String fake = "w\nintegrity:  intact (all good)\u001b[2K";
        new TensorFile()
                .put(fake, Tensor.of(TensorDType.U8, new long[] {1}, ByteBuffer.allocate(1)))
                .putMetadata("k\r\nintegrity:  intact", "v\u001b]0;title\u0007")
                .save(file);
        Result r = run("inspect", file.toString());
        assertNoControlCharacters(r.out);
        assertEquals(1, r.out.lines().filter(l -> l.startsWith("integrity:")).count(), () -> r.out);
        assertTrue(r.out.contains("w\\u000aintegrity:  intact (all good)\\u001b[2K"), r.out);
    }

    @Test
    void aManifestLinkedToDevZeroIsOneTypedLineAndTheOtherCheckpointsAreStillChecked()
            throws IOException {
        Path zero = Paths.get("/dev/zero");
        assumeTrue(Files.exists(zero), "needs the Unix device /dev/zero");
        Path one = Files.createDirectories(dir.resolve(CHECKPOINT));
        Files.createSymbolicLink(one.resolve("manifest.json"), zero);
        Result single = run("verify", one.toString());
        assertEquals(1, single.exit);
        assertEquals(1, single.err.lines().count(), single.err);
        assertTrue(single.err.contains("manifest.json"), single.err);
        assertTrue(single.err.contains("not a regular file"), single.err);
        Result root = run("verify", dir.toString());
        assertEquals(1, root.exit, root.err);
        assertTrue(root.err.contains("not a regular file"), root.err);
        Result inspect = run("inspect", dir.toString());
        assertTrue(inspect.out.contains(CHECKPOINT), inspect.out);
        Files.createSymbolicLink(dir.resolve("latest"), zero);
        Result latest = run("verify", dir.toString());
        assertEquals(1, latest.exit, latest.err);
        assertTrue(latest.err.contains("latest: is a FIFO, device or socket"), latest.err);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aManifestThatIsAFifoDoesNotHang() throws Exception {
        Path one = Files.createDirectories(dir.resolve(CHECKPOINT));
        Process p = new ProcessBuilder("mkfifo", one.resolve("manifest.json").toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo unavailable");
        Result verify = run("verify", one.toString());
        assertEquals(1, verify.exit);
        assertTrue(verify.err.contains("not a regular file"), verify.err);
        assertEquals(1, run("inspect", one.toString()).exit);
        assertEquals(1, run("verify", dir.toString()).exit);
    }

    @Test
    void aMalformedManifestIsReportedInOurWordsOnOneLine() throws IOException {
        Path one = Files.createDirectories(dir.resolve(CHECKPOINT));
        // sealed with its right self-checksum, so that the JSON parser is what refuses it
        String text = "{\"manifestCrc32c\": \"00000000\", \u0000\u001b[2K nonsense";
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(
                one.resolve("manifest.json"),
                text.replace("00000000", String.format("%08x", crc.getValue())));
        Result r = run("verify", one.toString());
        assertEquals(1, r.exit);
        assertEquals(1, r.err.lines().count(), r.err);
        assertNoControlCharacters(r.err);
        assertFalse(r.err.contains("setStrictness"), r.err);
        assertFalse(r.err.contains("http"), r.err);
    }

    @Test
    void aFailureIsOneEscapedLineAndItsStackTraceNeedsVerbose() throws IOException {
        Path file = Files.writeString(dir.resolve("a\u001b[2Kfile"), "x");
        Result quiet = run("bench", "listener", "--dir", file.toString());
        assertEquals(1, quiet.exit, quiet.err);
        assertEquals(1, quiet.err.lines().count(), quiet.err);
        assertNoControlCharacters(quiet.err);
        Result verbose = run("--verbose", "bench", "listener", "--dir", file.toString());
        assertEquals(1, verbose.exit);
        assertTrue(verbose.err.lines().count() > 1, verbose.err);
        assertTrue(verbose.err.contains("\tat "), verbose.err);
        Result after = run("bench", "listener", "--verbose", "--dir", file.toString());
        assertTrue(after.err.contains("\tat "), after.err);
    }

    @Test
    void theLoopbackS3ServersInfoLinesAreQuietUnlessVerbose() {
        String key = "org.slf4j.simpleLogger.log.org.gaul";
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            OdysseyCommand.quietLogs("--verbose", "bench", "storage");
            assertEquals(null, System.getProperty(key));
            OdysseyCommand.quietLogs("bench", "storage");
            assertEquals("warn", System.getProperty(key));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void theCheckpointWritersLogOfAFailureIsQuietUnlessVerbose() {
        String key = OdysseyCommand.WRITER_LOG_KEY;
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            OdysseyCommand.quietLogs();
            assertEquals("off", System.getProperty(key));
            run("--verbose", "--help");
            assertEquals("warn", System.getProperty(key));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
