/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs for the integration tests: {@code java -jar target/odyssey.jar ...} or a main class of
 * the test class path, with one engine thread (exact resume needs the same thread settings in every
 * run), standard error logged to a file.
 */
final class ChildJvm {

    /** The shaded jar the build makes before the integration tests run. */
    static final Path JAR = Path.of("target", "odyssey.jar");

    private ChildJvm() {}

    /**
     * The command line of a child JVM.
     *
     * @param jarOrMain {@code null} to run the jar, or a main class of the test class path
     * @param args the program's arguments
     * @return the command
     */
    static List<String> command(Class<?> jarOrMain, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-Dai.djl.offline=true");
        if (jarOrMain == null) {
            if (!Files.isRegularFile(JAR)) {
                throw new IllegalStateException(
                        JAR.toAbsolutePath() + " is missing: run mvn verify");
            }
            command.add("-jar");
            command.add(JAR.toString());
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(jarOrMain.getName());
        }
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Starts a child, its standard error going to {@code <logDir>/<label>.stderr.log}.
     *
     * @param logDir where the log goes
     * @param label names the child
     * @param command its command line
     * @return the process
     * @throws IOException if it cannot start
     */
    static Process start(Path logDir, String label, List<String> command) throws IOException {
        return start(logDir, label, command, Map.of());
    }

    /**
     * Starts a child with more environment variables, its standard error going to {@code
     * <logDir>/<label>.stderr.log}.
     *
     * @param logDir where the log goes
     * @param label names the child
     * @param command its command line
     * @param environment variables added to this process's environment
     * @return the process
     * @throws IOException if it cannot start
     */
    static Process start(
            Path logDir, String label, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return builder.redirectError(logDir.resolve(label + ".stderr.log").toFile()).start();
    }

    /**
     * Runs a child to its end.
     *
     * @param logDir where the log goes
     * @param label names the child
     * @param timeoutSeconds how long it may take
     * @param command its command line
     * @return its exit status and standard output
     * @throws Exception if it cannot run or times out
     */
    static Cli.Outcome run(Path logDir, String label, long timeoutSeconds, List<String> command)
            throws Exception {
        return run(logDir, label, timeoutSeconds, command, Map.of());
    }

    /**
     * Runs a child with more environment variables to its end.
     *
     * @param logDir where the log goes
     * @param label names the child
     * @param timeoutSeconds how long it may take
     * @param command its command line
     * @param environment variables added to this process's environment
     * @return its exit status and standard output
     * @throws Exception if it cannot run or times out
     */
    static Cli.Outcome run(
            Path logDir,
            String label,
            long timeoutSeconds,
            List<String> command,
            Map<String, String> environment)
            throws Exception {
        Process process = start(logDir, label, command, environment);
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(label + " timed out after " + timeoutSeconds + " s");
        }
        return new Cli.Outcome(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                Files.readString(logDir.resolve(label + ".stderr.log")));
    }
}
