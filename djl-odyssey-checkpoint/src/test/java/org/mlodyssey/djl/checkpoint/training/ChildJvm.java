/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * Child JVMs for crash tests: started with this JVM's class path and the pinned engine thread
 * settings, their stderr (and any JVM crash report) logged to files named by a label, read line by
 * line, killed with SIGKILL.
 */
public final class ChildJvm {

    /** How long a child may run. */
    public static final long TIMEOUT_SECONDS = 120;

    private final Path logDir;
    private final String label;
    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(Path logDir, String label, Process process) {
        this.logDir = logDir;
        this.label = label;
        this.process = process;
        this.stdout =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code main} in a child JVM.
     *
     * @param logDir where {@code <label>.stderr.log} is written
     * @param label names the child in logs and messages
     * @param main the main class
     * @param args its arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static ChildJvm start(Path logDir, String label, Class<?> main, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // A child that crashes writes its report next to its log, not into the module.
        command.add("-XX:ErrorFile=" + logDir.resolve(label + ".hs_err.log"));
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command)
                        .redirectError(logDir.resolve(label + ".stderr.log").toFile())
                        .start();
        return new ChildJvm(logDir, label, process);
    }

    /**
     * Runs {@code main} in a child JVM to its end and checks it exited with 0.
     *
     * @param logDir where the child's stderr is logged
     * @param label names the child
     * @param main the main class
     * @param args its arguments
     * @return the lines it printed
     * @throws Exception if it cannot be run or read
     */
    public static List<String> runToEnd(Path logDir, String label, Class<?> main, String... args)
            throws Exception {
        ChildJvm child = start(logDir, label, main, args);
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = child.stdout.readLine()) != null) {
            lines.add(line);
        }
        if (!child.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.process.destroyForcibly();
            fail("child " + label + " timed out");
        }
        assertEquals(0, child.process.exitValue(), "child " + label + " failed: " + child.log());
        return lines;
    }

    /**
     * Reads the child's output up to the first line starting with a prefix.
     *
     * @param prefix the prefix
     * @return the rest of that line, or {@code null} if the child's output ended first
     * @throws IOException if the output cannot be read
     */
    public String awaitLine(String prefix) throws IOException {
        String line;
        while ((line = stdout.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        return null;
    }

    /**
     * Kills the child with SIGKILL and checks it died of it.
     *
     * @throws InterruptedException if interrupted while waiting for it to die
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL
        assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the child did not die");
        assertEquals(137, process.exitValue(), "killed by SIGKILL (128 + 9)");
    }

    /**
     * Returns the child's stderr so far.
     *
     * @return the log, or {@code (no log)}
     * @throws IOException if it cannot be read
     */
    public String log() throws IOException {
        Path file = logDir.resolve(label + ".stderr.log");
        return Files.exists(file) ? Files.readString(file) : "(no log)";
    }
}
