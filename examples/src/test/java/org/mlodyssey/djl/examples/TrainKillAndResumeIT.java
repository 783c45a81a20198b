/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;

/**
 * {@code odyssey train} killed with SIGKILL mid-run and resumed with {@code --resume auto} in a new
 * JVM ends with the same JSON figures and bit-identical parameters and optimizer state as an
 * uninterrupted run: on EMNIST-format files with the MLP, and on CIFAR-10-format files with
 * ResNet-20 (batch norm running statistics included).
 */
class TrainKillAndResumeIT {

    @TempDir Path dir;

    @Test
    void emnistMlpKilledAndResumed() throws Exception {
        Path data = dir.resolve("emnist");
        DemoEmnistFiles.write(data, 3, 1, 11); // 108 images: 7 batches of 16 per epoch
        killAndResume(
                List.of(
                        "--dataset",
                        "emnist",
                        "--data-dir",
                        data.toString(),
                        "--model",
                        "mlp",
                        "--epochs",
                        "2",
                        "--batch-size",
                        "16",
                        "--every-steps",
                        "4"),
                10,
                8,
                14);
    }

    @Test
    void cifarResNet20KilledAndResumed() throws Exception {
        Path data = dir.resolve("cifar");
        CifarFormatFiles.writeCifar10(data, 12, 20, 3); // 60 images: 6 batches of 10 per epoch
        killAndResume(
                List.of(
                        "--dataset",
                        "cifar10",
                        "--data-dir",
                        data.toString(),
                        "--no-check-record-counts",
                        "--model",
                        "resnet20",
                        "--epochs",
                        "2",
                        "--batch-size",
                        "10",
                        "--optimizer",
                        "sgd",
                        "--every-steps",
                        "4"),
                9,
                8,
                12);
    }

    /**
     * Runs uninterrupted; runs again, blocks after {@code blockStep}, waits for the checkpoint of
     * {@code checkpointStep} to be committed, kills with SIGKILL; resumes; compares.
     */
    private void killAndResume(
            List<String> trainArgs, long blockStep, long checkpointStep, long totalSteps)
            throws Exception {
        Path wholeDir = dir.resolve("whole");
        Path killedDir = dir.resolve("killed");
        Cli.Outcome whole =
                Cli.Outcome.of(
                        ChildJvm.run(
                                dir, "whole", 300, trainCommand(trainArgs, wholeDir, "never")));
        assertEquals(0, whole.exit(), whole.toString());

        List<String> crash = new ArrayList<>();
        crash.add(Long.toString(blockStep));
        crash.addAll(trainArgs);
        crash.addAll(List.of("--checkpoint-dir", killedDir.toString(), "--resume", "never"));
        ChildJvm child =
                ChildJvm.start(
                        dir,
                        "killed",
                        ChildJvm.command(TrainUntilKilledMain.class, crash.toArray(new String[0])),
                        Map.of());
        try {
            assertEquals("BLOCKED " + blockStep, child.readLine(), "the child reached its step");
            String expected = String.format("step-%012d-", checkpointStep);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!LatestPointer.read(killedDir)
                    .map(p -> p.getFileName().toString().startsWith(expected))
                    .orElse(false)) {
                assertTrue(System.nanoTime() < deadline, "no commit of step " + checkpointStep);
                Thread.sleep(20);
            }
        } finally {
            child.kill(); // SIGKILL: no shutdown hooks, no final save
        }
        Path last = LatestPointer.read(killedDir).orElseThrow();
        assertFalse(
                last.getFileName().toString().startsWith(String.format("step-%012d-", totalSteps)),
                "the killed run did not finish");

        Cli.Outcome resumed =
                Cli.Outcome.of(
                        ChildJvm.run(
                                dir, "resumed", 300, trainCommand(trainArgs, killedDir, "auto")));
        assertEquals(0, resumed.exit(), resumed.toString());
        JsonObject w = whole.json();
        JsonObject r = resumed.json();
        assertEquals(checkpointStep, r.get("resumed_at_step").getAsLong(), r.toString());
        assertEquals(totalSteps, r.get("steps").getAsLong());
        FinalStates.assertSame(w, r);
        assertTrue(Files.exists(killedDir.resolve(LatestPointer.FILE_NAME)));
    }

    private static List<String> trainCommand(
            List<String> trainArgs, Path checkpoints, String resume) {
        List<String> args = new ArrayList<>();
        args.add("train");
        args.addAll(trainArgs);
        args.addAll(List.of("--checkpoint-dir", checkpoints.toString(), "--resume", resume));
        return Cli.jarCommand(args.toArray(new String[0]));
    }
}
