/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Across JVMs: a child JVM killed with SIGKILL right after committing a checkpoint, resumed in a
 * new JVM, ends bit-identical to a child JVM that trained without interruption.
 */
class KillAndResumeIT {

    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void runKilledAfterACommitAndResumedInANewJvmEndsBitIdentical(@TempDir Path dir)
            throws Exception {
        Path straightRoot = dir.resolve("straight-checkpoints");
        Path straightOut = dir.resolve("straight-final");
        Path crashRoot = dir.resolve("crash-checkpoints");
        Path resumedOut = dir.resolve("resumed-final");

        List<String> straight =
                runToEnd(dir, "finish", straightRoot.toString(), straightOut.toString());
        assertEquals("STARTED 0", straight.get(0));

        // Checkpoints at steps 3, 6, 9 and 12 (mid-epoch: epoch 1, batch 5); killed after 12.
        Process crash = start(dir, "crash", crashRoot.toString(), "3", "12");
        String committed = null;
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(crash.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("COMMITTED ")) {
                    committed = line.substring("COMMITTED ".length());
                    crash.destroyForcibly(); // SIGKILL
                    break;
                }
            }
        }
        assertTrue(crash.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the child did not die");
        assertNotNull(
                committed,
                "the child never committed: " + log(dir, label("crash", crashRoot.toString())));
        assertEquals(137, crash.exitValue(), "killed by SIGKILL (128 + 9)");
        assertEquals(
                "step-000000000012-epoch-000001-batch-000000005",
                Path.of(committed).getFileName().toString());

        List<String> resumed = runToEnd(dir, "finish", crashRoot.toString(), resumedOut.toString());
        assertEquals("STARTED 12", resumed.get(0), "resumed from the last committed checkpoint");

        TrainingCheckpoint expected =
                TrainingCheckpoints.findLatestValid(straightOut).orElseThrow();
        TrainingCheckpoint actual = TrainingCheckpoints.findLatestValid(resumedOut).orElseThrow();
        assertEquals(TinyTraining.TOTAL_STEPS, expected.getProgress().globalStep());
        try (TrainingSnapshot e = expected.loadSnapshot();
                TrainingSnapshot a = actual.loadSnapshot()) {
            TinyTraining.assertBitIdentical(e, a);
        }
    }

    private static Process start(Path dir, String mode, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ResumeChildMain.class.getName());
        command.add(mode);
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(dir.resolve(label(mode, args) + ".stderr.log").toFile())
                .start();
    }

    private static List<String> runToEnd(Path dir, String mode, String... args) throws Exception {
        Process process = start(dir, mode, args);
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("child " + mode + " timed out");
        }
        assertEquals(
                0,
                process.exitValue(),
                "child " + mode + " failed: " + log(dir, label(mode, args)));
        return lines;
    }

    /** Names a child's log by its mode and checkpoint directory. */
    private static String label(String mode, String... args) {
        return mode + "-" + Path.of(args[0]).getFileName();
    }

    private static String log(Path dir, String label) throws IOException {
        Path file = dir.resolve(label + ".stderr.log");
        return Files.exists(file) ? Files.readString(file) : "(no log)";
    }
}
