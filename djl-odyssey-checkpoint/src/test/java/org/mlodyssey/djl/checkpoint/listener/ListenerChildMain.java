/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/**
 * A child JVM for {@link ListenerKillAndResumeIT}: trains {@link TinyTraining} with a {@link
 * CheckpointListener} (asynchronous, every 3 steps, keep the last 2), resuming with its one call.
 *
 * <ul>
 *   <li>{@code crash <checkpoints> <step>}: prints {@code COMMITTED <dir>} when the checkpoint of
 *       {@code step} is committed (from the writing thread, while training goes on), and two steps
 *       later waits to be killed.
 *   <li>{@code finish <checkpoints> <out>}: trains to the end, prints {@code STARTED <step>}, saves
 *       the final state in {@code out} and prints {@code FINISHED <dir>}.
 * </ul>
 */
public final class ListenerChildMain {

    private ListenerChildMain() {}

    /**
     * Runs one mode.
     *
     * @param args the mode and its arguments
     * @throws Exception if training or saving fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path checkpoints = Path.of(args[1]);
        boolean crash = args[0].equals("crash");
        long crashStep = crash ? Long.parseLong(args[2]) : -1;
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(checkpoints)
                        .optSeed(TinyTraining.RUN_SEED)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optAtEnd(false)
                        .optKeepLast(2)
                        .optOnSaved(
                                saved -> {
                                    if (saved.directory()
                                            .getFileName()
                                            .toString()
                                            .startsWith(String.format("step-%012d-", crashStep))) {
                                        out.println("COMMITTED " + saved.directory());
                                    }
                                })
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            TrainingProgress start = listener.resume(run.trainer());
            out.println("STARTED " + start.globalStep());
            switch (args[0]) {
                case "crash":
                    run.train(
                            start,
                            Long.MAX_VALUE,
                            listener,
                            (trainer, progress) -> {
                                if (progress.globalStep() == crashStep + 2) {
                                    waitToBeKilled();
                                }
                            });
                    throw new IllegalStateException("the run ended without reaching " + crashStep);
                case "finish":
                    TrainingProgress end = run.train(start, Long.MAX_VALUE, listener);
                    Path dir =
                            CheckpointDirectories.save(
                                    Path.of(args[2]), run.trainer(), end, Map.of());
                    out.println("FINISHED " + dir);
                    break;
                default:
                    throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void waitToBeKilled() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted instead of killed", e);
        }
    }
}
