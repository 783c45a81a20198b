/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs for the tests that fork (crash, kill-and-resume, mapped-file and command-line tests of
 * every module): a main class of this JVM's class path or a jar, run with one engine thread (exact
 * resume needs the same thread settings in every run) and offline, its standard error (and any JVM
 * crash report) logged to files named by a label, its standard output read line by line or whole,
 * killed with SIGKILL.
 */
public final class ChildJvm {

    /** How long a child may run unless a test says otherwise. */
    public static final long TIMEOUT_SECONDS = 120;

    /** The heap of every child. */
    private static final String MAX_HEAP = "-Xmx768m";

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
     * What a child did.
     *
     * @param exit its exit status
     * @param out its standard output
     * @param err its standard error
     */
    public record Outcome(int exit, String out, String err) {

        /**
         * Returns the exit status and both outputs, for assertion messages.
         *
         * @return the text
         */
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    /**
     * The command line of a child JVM running a main class of this JVM's class path.
     *
     * @param main the main class
     * @param args its arguments
     * @return the command
     */
    public static List<String> command(Class<?> main, String... args) {
        List<String> command = java();
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The command line of a child JVM running an executable jar.
     *
     * @param jar the jar, which the build makes before the integration tests run
     * @param args the program's arguments
     * @return the command
     * @throws IllegalStateException if the jar is missing
     */
    public static List<String> jarCommand(Path jar, String... args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run mvn verify");
        }
        List<String> command = java();
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(MAX_HEAP);
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-Dai.djl.offline=true");
        return command;
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
        return start(logDir, label, command(main, args), Map.of());
    }

    /**
     * Starts a child from a command of {@link #command} or {@link #jarCommand}, with more
     * environment variables; a crash report goes to {@code <logDir>/<label>.hs_err.log}.
     *
     * @param logDir where {@code <label>.stderr.log} is written
     * @param label names the child in logs and messages
     * @param command its command line
     * @param environment variables added to this process's environment
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static ChildJvm start(
            Path logDir, String label, List<String> command, Map<String, String> environment)
            throws IOException {
        List<String> withErrorFile = new ArrayList<>(command);
        // A child that crashes writes its report next to its log, not into the module.
        withErrorFile.add(1, "-XX:ErrorFile=" + logDir.resolve(label + ".hs_err.log"));
        ProcessBuilder builder = new ProcessBuilder(withErrorFile);
        builder.environment().putAll(environment);
        Process process =
                builder.redirectError(logDir.resolve(label + ".stderr.log").toFile()).start();
        return new ChildJvm(logDir, label, process);
    }

    /**
     * Runs a child to its end.
     *
     * @param logDir where its log goes
     * @param label names the child
     * @param timeoutSeconds how long it may take
     * @param command its command line
     * @return its exit status and outputs
     * @throws Exception if it cannot run or times out
     */
    public static Outcome run(Path logDir, String label, long timeoutSeconds, List<String> command)
            throws Exception {
        return run(logDir, label, timeoutSeconds, command, Map.of());
    }

    /**
     * Runs a child with more environment variables to its end.
     *
     * @param logDir where its log goes
     * @param label names the child
     * @param timeoutSeconds how long it may take
     * @param command its command line
     * @param environment variables added to this process's environment
     * @return its exit status and outputs
     * @throws Exception if it cannot run or times out
     */
    public static Outcome run(
            Path logDir,
            String label,
            long timeoutSeconds,
            List<String> command,
            Map<String, String> environment)
            throws Exception {
        return start(logDir, label, command, environment).finish(timeoutSeconds);
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
        Outcome outcome = start(logDir, label, main, args).finish(TIMEOUT_SECONDS);
        assertEquals(0, outcome.exit(), "child " + label + " failed: " + outcome);
        return outcome.out().lines().toList();
    }

    /**
     * Reads the rest of the child's output and waits for it to end.
     *
     * @param timeoutSeconds how long it may take
     * @return its exit status and outputs
     * @throws Exception if it cannot be read or times out (it is then killed)
     */
    public Outcome finish(long timeoutSeconds) throws Exception {
        StringBuilder out = new StringBuilder();
        char[] buffer = new char[8192];
        int n;
        while ((n = stdout.read(buffer)) >= 0) {
            out.append(buffer, 0, n);
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(label + " timed out after " + timeoutSeconds + " s");
        }
        return new Outcome(process.exitValue(), out.toString(), log());
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
     * Reads the child's next line of output.
     *
     * @return the line, or {@code null} if the child's output ended
     * @throws IOException if the output cannot be read
     */
    public String readLine() throws IOException {
        return stdout.readLine();
    }

    /**
     * Returns whether the child is still running.
     *
     * @return {@code true} while it runs
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the child with SIGKILL (no shutdown hooks run) and checks it died of it.
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
