/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/**
 * The standard DJL program ({@link EasyTrainChildMain}: the listener in the {@code
 * DefaultTrainingConfig}, {@code trainer.initialize}, {@code ResumableTraining.fit}) killed with
 * SIGKILL at a random step in the middle of an epoch and resumed through the one call in a new JVM
 * ends with bit-identical parameters, optimizer state and metric history (the trainer state file)
 * to the run never stopped: LeNet with dropout on EMNIST-format files, ResNet-20 on augmented
 * CIFAR-10-format files.
 */
class EasyTrainKillAndResumeIT {

    private static final int EPOCHS = 2;

    @TempDir Path dir;

    @Test
    void lenetWithDropoutOnEmnist() throws Exception {
        Path data = dir.resolve("emnist");
        DemoEmnistFiles.write(data, 2, 1, 5); // 72 images: 5 batches of 16 per epoch
        killAndResume("lenet", data, 5, 3);
    }

    @Test
    void resnet20OnAugmentedCifar10() throws Exception {
        Path data = dir.resolve("cifar");
        CifarFormatFiles.writeCifar10(data, 16, 16, 9); // 80 images: 5 batches of 16 per epoch
        killAndResume("resnet20", data, 5, 3);
    }

    private void killAndResume(String model, Path data, int batchesPerEpoch, int everySteps)
            throws Exception {
        Path whole = dir.resolve(model + "-whole");
        Path killed = dir.resolve(model + "-killed");
        Cli.Outcome straight =
                Cli.Outcome.of(
                        ChildJvm.run(dir, model + "-whole", 300, command(model, data, whole)));
        assertEquals(0, straight.exit(), straight.toString());

        // A random batch in the middle of an epoch, after the first save (of step everySteps).
        int total = EPOCHS * batchesPerEpoch;
        int killAt;
        // -Dodyssey.it.killAt=N repeats a run that failed at batch N.
        Integer fixed = Integer.getInteger("odyssey.it.killAt");
        Random random = new Random();
        do {
            killAt =
                    fixed != null ? fixed : everySteps + 2 + random.nextInt(total - everySteps - 2);
        } while (fixed == null && killAt % batchesPerEpoch == 1);
        List<String> paced = new java.util.ArrayList<>(command(model, data, killed));
        paced.add("200");
        ChildJvm child = ChildJvm.start(dir, model + "-killed", paced, Map.of());
        try {
            String line;
            while ((line = child.readLine()) != null && !line.equals("BATCH " + killAt)) {
                assertNotEquals("DONE", line, "the child ended before batch " + killAt);
            }
            assertNotNull(line, "the child's output ended before batch " + killAt);
        } finally {
            child.kill(); // SIGKILL: no shutdown hooks, no final save
        }

        Cli.Outcome resumed =
                Cli.Outcome.of(
                        ChildJvm.run(dir, model + "-resumed", 300, command(model, data, killed)));
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.out().contains("RESUMED_FROM " + killed), resumed.out());
        assertTrue(
                resumed.err().contains("Taking over the lock"),
                "the killed run's lock is taken over: " + resumed.err());

        String end =
                CheckpointDirectories.directoryName(
                        new TrainingProgress(0, EPOCHS, 0, total, List.of()));
        for (String file :
                List.of(
                        TrainingCheckpoint.PARAMETERS_FILE,
                        TrainingCheckpoint.OPTIMIZER_FILE,
                        "trainer-state.json")) {
            assertArrayEquals(
                    Files.readAllBytes(whole.resolve(end).resolve(file)),
                    Files.readAllBytes(killed.resolve(end).resolve(file)),
                    file + " after a kill at batch " + killAt);
        }
        assertEquals(
                TrainingCheckpoint.open(whole.resolve(end)).getProgress().epochMetrics(),
                TrainingCheckpoint.open(killed.resolve(end)).getProgress().epochMetrics(),
                "metric history after a kill at batch " + killAt);
    }

    private static List<String> command(String model, Path data, Path checkpoints) {
        return ChildJvm.command(
                EasyTrainChildMain.class,
                model,
                data.toString(),
                checkpoints.toString(),
                Integer.toString(EPOCHS),
                "3");
    }
}
