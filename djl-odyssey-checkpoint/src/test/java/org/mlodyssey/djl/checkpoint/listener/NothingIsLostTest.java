/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryLockedException;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryNotEmptyException;
import org.mlodyssey.djl.checkpoint.training.ConfigurationMismatchException;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.ParameterMismatchException;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/** No sequence of listener calls loses a committed checkpoint (TinyTraining: 7 steps per epoch). */
class NothingIsLostTest {

    private static String name(long step, int epoch, int batch) {
        return CheckpointDirectories.directoryName(
                new TrainingProgress(0, epoch, batch, step, List.of()));
    }

    /** The checkpoint directories of a root, sorted. */
    private static List<String> checkpoints(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return names;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path p : stream) {
                String n = p.getFileName().toString();
                if (CheckpointDirectories.isCheckpointName(n)) {
                    names.add(n);
                }
            }
        }
        Collections.sort(names);
        return names;
    }

    /** Trains a first run to step 20 keeping one checkpoint: step 20's. */
    private static void trainTo20KeepingOne(Path root) throws Exception {
        CheckpointListener first =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(5)
                        .optKeepLast(1)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 20, first);
            run.trainer().close();
            first.close();
        }
        assertEquals(List.of(name(20, 2, 6)), checkpoints(root));
    }

    @Test
    void aResumeIntoAModelOfAnotherShapeFailsAndTheListenerSavesAndDeletesNothing(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        trainTo20KeepingOne(root);
        CheckpointListener second =
                CheckpointListener.builder().setDirectory(root).optKeepLast(1).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, 24, second)) {
            assertThrows(ParameterMismatchException.class, () -> second.resume(run.trainer()));
        } // Trainer.close(): onTrainingEnd
        second.close();
        assertEquals(List.of(name(20, 2, 6)), checkpoints(root), "the real checkpoint stays");
        assertEquals(root.resolve(name(20, 2, 6)), LatestPointer.read(root).orElseThrow());
        assertEquals(
                List.of(root.resolve(name(20, 2, 6))),
                second.getCheckpoints(),
                "the inert listener registered nothing of its own");
        TrainingCheckpoint.open(root.resolve(name(20, 2, 6)));
    }

    @Test
    void aRunThatDoesNotResumeRefusesADirectoryWithCheckpointsAtItsFirstStep(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        trainTo20KeepingOne(root);
        CheckpointListener second =
                CheckpointListener.builder().setDirectory(root).optEverySteps(1).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            CheckpointDirectoryNotEmptyException e =
                    assertThrows(
                            CheckpointDirectoryNotEmptyException.class,
                            () -> EasyTrain.fit(run.trainer(), 3, run.dataset(), null));
            assertEquals(root.resolve(name(20, 2, 6)), e.getNewest());
            assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("ResumableTraining.fit"), e.getMessage());
        }
        second.close();
        assertEquals(List.of(name(20, 2, 6)), checkpoints(root), "the first run's stays");
        assertEquals(root.resolve(name(20, 2, 6)), LatestPointer.read(root).orElseThrow());
        TrainingCheckpoint.open(root.resolve(name(20, 2, 6)));
    }

    @Test
    void aStepLoopRunStartingAtStepZeroRefusesADirectoryWithCheckpoints(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        trainTo20KeepingOne(root);
        CheckpointListener second =
                CheckpointListener.builder().setDirectory(root).optEverySteps(1).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            assertThrows(
                    CheckpointDirectoryNotEmptyException.class,
                    () -> run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 5, second));
        }
        second.close();
        assertEquals(List.of(name(20, 2, 6)), checkpoints(root), "the first run's stays");
    }

    @Test
    void aTrainerClosedBeforeAnyStepSavesNothingAtTheEnd(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener = CheckpointListener.builder().setDirectory(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            assertTrue(run.trainer() != null);
        }
        listener.close();
        assertEquals(List.of(), checkpoints(root), "no step ran: no checkpoint of the untrained");
    }

    @Test
    void aResumedRunClosedBeforeItsFirstStepSavesNothingAtTheEnd(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        trainTo20KeepingOne(root);
        CheckpointListener second =
                CheckpointListener.builder().setDirectory(root).optKeepLast(1).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            assertEquals(20, second.resume(run.trainer()).globalStep());
        }
        second.close();
        assertEquals(List.of(name(20, 2, 6)), checkpoints(root));
        assertEquals(
                "4",
                TrainingCheckpoint.open(root.resolve(name(20, 2, 6)))
                        .getManifest()
                        .metadata()
                        .get(CheckpointListener.META_ORDINAL),
                "the same checkpoint, not a new save of its position");
    }

    @Test
    void aSecondListenerOnTheSameDirectoryIsRefusedNamingTheHolder(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = CheckpointListener.builder().setDirectory(root).build();
        CheckpointListener second = CheckpointListener.builder().setDirectory(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            assertTrue(run.trainer() != null);
            CheckpointDirectoryLockedException e =
                    assertThrows(
                            CheckpointDirectoryLockedException.class,
                            () -> new TinyTraining(OptimizerKind.ADAM, 1, false, second));
            assertTrue(
                    e.getMessage().contains(Long.toString(ProcessHandle.current().pid())),
                    e.getMessage());
            assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
        }
        first.close();
        // Released: the second one may write now.
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, second)) {
            run.train(TrainingProgress.start(1), 7, second);
        }
        second.close();
        assertEquals(List.of(name(7, 0, 7)), checkpoints(root));
    }

    @Test
    void closingATrainerTheListenerRefusedNeitherEndsNorSaves(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = CheckpointListener.builder().setDirectory(root).build();
        CheckpointListener second = CheckpointListener.builder().setDirectory(root).build();
        List<Trainer> created = new ArrayList<>();
        TrainingListener capture =
                new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBegin(Trainer trainer) {
                        created.add(trainer);
                    }
                };
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            assertTrue(run.trainer() != null);
            assertThrows(
                    CheckpointDirectoryLockedException.class,
                    () -> new TinyTraining(OptimizerKind.ADAM, 1, false, capture, second));
        }
        first.close();
        // The refused trainer ends late (its finalizer closes it when it was leaked): the second
        // listener neither ends with it nor saves its state.
        assertEquals(1, created.size());
        second.onTrainingEnd(created.get(0));
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, second)) {
            run.train(TrainingProgress.start(1), 7, second);
        }
        second.close();
        assertEquals(List.of(name(7, 0, 7)), checkpoints(root));
    }

    @Test
    void aLockLeftByADeadProcessIsTakenOver(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        Files.createDirectories(root);
        Files.writeString(root.resolve(".lock"), "pid 999999999 on some-host since 2026-01-01\n");
        CheckpointListener listener = CheckpointListener.builder().setDirectory(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            assertTrue(
                    Files.readString(root.resolve(".lock"))
                            .contains("pid " + ProcessHandle.current().pid()));
            run.train(TrainingProgress.start(1), 7, listener);
        }
        listener.close();
        assertEquals(List.of(name(7, 0, 7)), checkpoints(root));
    }

    @Test
    void aResumeWithAnotherConfigurationNamesTheKeyAndRestoresNothing(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .addConfiguration("lr", "0.01")
                        .addConfiguration("batch", "8")
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(1), 7, first);
        }
        first.close();
        CheckpointListener second =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .addConfiguration("lr", "0.01")
                        .addConfiguration("batch", "16")
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second);
                TrainingSnapshot before = run.snapshot(TrainingProgress.start(0))) {
            ConfigurationMismatchException e =
                    assertThrows(
                            ConfigurationMismatchException.class,
                            () -> second.resume(run.trainer()));
            assertEquals("batch", e.getKey());
            assertEquals("16", e.getValue());
            assertEquals("8", e.getSavedValue());
            assertTrue(e.getMessage().contains("'batch' is 16"), e.getMessage());
            try (TrainingSnapshot after = run.snapshot(TrainingProgress.start(0))) {
                TinyTraining.assertBitIdentical(before, after);
            }
        }
        second.close();
        assertEquals(List.of(name(7, 0, 7)), checkpoints(root));
    }

    @Test
    void aResumeBeforeInitializeSaysWhatToDo(@TempDir Path dir) throws Exception {
        CheckpointListener listener =
                CheckpointListener.builder().setDirectory(dir.resolve("ckpt")).build();
        Block block = new SequentialBlock().add(Linear.builder().setUnits(2).build());
        try (Model model = Model.newInstance("uninitialized")) {
            model.setBlock(block);
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(Loss.l2Loss())
                                    .addTrainingListeners(listener))) {
                IllegalStateException e =
                        assertThrows(IllegalStateException.class, () -> listener.resume(trainer));
                assertTrue(
                        e.getMessage().contains("call trainer.initialize(...) before resuming"),
                        e.getMessage());
            }
        }
        listener.close();
    }

    @Test
    void anUnknownMonitoredMetricFailsWhenTheTrainerIsCreatedNamingTheValidOnes(@TempDir Path dir) {
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(dir.resolve("ckpt"))
                        .optMonitor("l2los", Monitor.Mode.MIN, true)
                        .build();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TinyTraining(OptimizerKind.ADAM, 1, true, listener));
        assertTrue(e.getMessage().contains("'l2los'"), e.getMessage());
        assertTrue(e.getMessage().contains("valid (in any case): loss, L2Loss"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("ckpt")), "nothing written");
    }

    @Test
    void aMonitoredMetricMatchesTheEvaluatorNameInAnyCase(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optMonitor("l2loss", Monitor.Mode.MIN, true)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, listener)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), Long.MAX_VALUE, listener);
        }
        listener.close();
        List<String> saved = checkpoints(root);
        assertFalse(saved.isEmpty(), "a first best is saved");
        String first = saved.get(0);
        assertEquals(name(7, 1, 0), first);
        Map<String, String> meta =
                TrainingCheckpoint.open(root.resolve(first)).getManifest().metadata();
        assertTrue(meta.get(CheckpointListener.META_REASONS).contains("BEST"), meta.toString());
        assertTrue(meta.containsKey(CheckpointListener.META_MONITOR_VALUE), meta.toString());
    }

    @Test
    void theStepThatEndsAnEpochIsSavedOnceUnderTheResumableLoop(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEverySteps(7) // an epoch is 7 steps: each multiple ends an epoch
                        .optAtEnd(false)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), Long.MAX_VALUE, listener);
        }
        listener.close();
        assertEquals(List.of(name(7, 1, 0), name(14, 2, 0), name(21, 3, 0)), checkpoints(root));
        assertEquals(
                "EPOCHS,STEPS",
                TrainingCheckpoint.open(root.resolve(name(7, 1, 0)))
                        .getManifest()
                        .metadata()
                        .get(CheckpointListener.META_REASONS));
    }
}
