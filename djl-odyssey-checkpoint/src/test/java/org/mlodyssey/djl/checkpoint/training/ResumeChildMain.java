/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/**
 * The child JVM of {@link KillAndResumeIT}: trains {@link TinyTraining} with Adam, resuming from
 * the newest valid checkpoint of a directory if there is one.
 *
 * <ul>
 *   <li>{@code crash <checkpoints> <every> <step>}: saves a checkpoint every {@code every} steps;
 *       after committing the one of step {@code step} prints {@code COMMITTED <dir>} and waits to
 *       be killed.
 *   <li>{@code finish <checkpoints> <out>}: trains to the end and saves the final state in {@code
 *       out}, printing {@code STARTED <step>} and {@code FINISHED <dir>}.
 * </ul>
 */
public final class ResumeChildMain {

    private ResumeChildMain() {}

    /**
     * Runs one mode.
     *
     * @param args the mode and its arguments
     * @throws Exception if training or saving fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path checkpoints = Path.of(args[1]);
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1)) {
            TrainingProgress start =
                    TinyTraining.restoreNewestOrStart(
                            checkpoints, run.trainer(), TinyTraining.RUN_SEED);
            out.println("STARTED " + start.globalStep());
            switch (args[0]) {
                case "crash":
                    long every = Long.parseLong(args[2]);
                    long crashStep = Long.parseLong(args[3]);
                    run.train(
                            start,
                            Long.MAX_VALUE,
                            (trainer, progress) -> {
                                if (progress.globalStep() % every != 0) {
                                    return;
                                }
                                Path dir = save(checkpoints, trainer, progress);
                                if (progress.globalStep() == crashStep) {
                                    out.println("COMMITTED " + dir);
                                    waitToBeKilled();
                                }
                            });
                    throw new IllegalStateException("the run ended without reaching " + crashStep);
                case "finish":
                    TrainingProgress end = run.train(start, Long.MAX_VALUE);
                    Path dir = save(Path.of(args[2]), run.trainer(), end);
                    out.println("FINISHED " + dir);
                    break;
                default:
                    throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static Path save(
            Path root, ai.djl.training.Trainer trainer, TrainingProgress progress) {
        try {
            return CheckpointDirectories.save(root, trainer, progress, Map.of("writer", "child"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitToBeKilled() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted instead of killed", e);
        }
    }
}
