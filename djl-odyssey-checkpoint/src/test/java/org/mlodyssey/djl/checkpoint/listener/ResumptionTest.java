/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.ParameterMismatchException;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/**
 * Tests {@link Resumption}: the steps a run resumed at recorded in every checkpoint, a new run
 * restoring nothing, and a failed resume (directory unlocked, a second resume refused).
 */
class ResumptionTest {

    private static Map<String, String> metadataAt(Path root, long step) throws Exception {
        int epoch = (int) (step / TinyTraining.BATCHES_PER_EPOCH);
        int batch = (int) (step % TinyTraining.BATCHES_PER_EPOCH);
        String name =
                CheckpointDirectories.directoryName(
                        new TrainingProgress(0, epoch, batch, step, List.of()));
        return TrainingCheckpoint.open(root.resolve(name)).getManifest().metadata();
    }

    /**
     * Trains with the resumable loop up to a step, resuming first; saves every 5 steps. The
     * listener is closed even when training throws.
     */
    private static void runTo(Path root, long step, int initSeed) throws Exception {
        try (CheckpointListener listener =
                        CheckpointListener.builder()
                                .setDirectory(root)
                                .optEveryEpochs(0)
                                .optEverySteps(5)
                                .optAtEnd(false)
                                .optSeed(TinyTraining.RUN_SEED)
                                .build();
                TinyTraining run =
                        new TinyTraining(OptimizerKind.ADAM, initSeed, false, listener)) {
            run.train(listener.resume(run.trainer()), step, listener);
            run.trainer().close();
        }
    }

    @Test
    void theStepsResumedAtAreAppendedOldestFirst() {
        assertEquals("8", Resumption.resumedAtSteps("", 8));
        assertEquals("4,8", Resumption.resumedAtSteps("4", 8));
        assertEquals("4,8,12", Resumption.resumedAtSteps("4,8", 12));
    }

    @Test
    void everyCheckpointRecordsTheStepsItsRunResumedAt(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        runTo(root, 5, 1);
        runTo(root, 10, 2);
        runTo(root, 15, 3);

        assertFalse(metadataAt(root, 5).containsKey(CheckpointListener.META_RESUMED_AT));
        assertEquals("5", metadataAt(root, 10).get(CheckpointListener.META_RESUMED_AT));
        assertEquals("5,10", metadataAt(root, 15).get(CheckpointListener.META_RESUMED_AT));
    }

    @Test
    void aNewRunRestoresNothingAndRecordsNoResume(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener = CheckpointListener.builder().setDirectory(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            assertEquals(0, listener.resume(run.trainer()).globalStep());
            assertTrue(listener.getResumedFrom().isEmpty());
            run.trainer().close();
            listener.close();
        }
    }

    @Test
    void aFailedResumeUnlocksTheDirectoryAndRefusesAnotherResume(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        runTo(root, 5, 1);
        try (CheckpointListener listener = CheckpointListener.builder().setDirectory(root).build();
                TinyTraining run =
                        new TinyTraining(
                                OptimizerKind.ADAM, 2, TinyTraining.HIDDEN_UNITS + 8, listener)) {
            ParameterMismatchException first =
                    assertThrows(
                            ParameterMismatchException.class, () -> listener.resume(run.trainer()));

            try (CheckpointDirectory other = CheckpointDirectory.of(root);
                    DirectoryLock lock = other.lock()) {
                assertNotNull(lock, "another run locks the directory");
            }
            IllegalStateException again =
                    assertThrows(IllegalStateException.class, () -> listener.resume(run.trainer()));
            assertTrue(again.getMessage().contains("failed to resume before"), again.getMessage());
            assertSame(first, again.getCause());
        }
    }
}
