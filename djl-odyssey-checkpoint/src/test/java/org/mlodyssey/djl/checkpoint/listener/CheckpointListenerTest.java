/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.StepListener;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/** {@link CheckpointListener} on real training runs (TinyTraining: 7 steps per epoch). */
class CheckpointListenerTest {

    private static final Pattern EPOCH = Pattern.compile("epoch-(\\d+)");

    private static String name(long step, int epoch, int batch) {
        return CheckpointDirectories.directoryName(
                new TrainingProgress(0, epoch, batch, step, List.of()));
    }

    /** The checkpoint directories of a root, sorted; fails on a leftover temporary directory. */
    private static List<String> checkpoints(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path p : stream) {
                String n = p.getFileName().toString();
                assertFalse(n.endsWith(".tmp"), "leftover temporary " + n);
                if (!n.equals(LatestPointer.FILE_NAME) && !n.startsWith(".")) {
                    names.add(n);
                }
            }
        }
        Collections.sort(names);
        return names;
    }

    /** Records the validation loss of each epoch, as the trainer reports it. */
    private static TrainingListenerAdapter lossRecorder(List<Float> losses) {
        return new TrainingListenerAdapter() {
            @Override
            public void onEpoch(Trainer trainer) {
                losses.add(trainer.getTrainingResult().getEvaluations().get("validate_loss"));
            }
        };
    }

    /** The names of the checkpoint directories moved aside as abandoned, sorted. */
    private static List<String> abandoned(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, ".*.abandoned-*")) {
            for (Path p : stream) {
                String n = p.getFileName().toString();
                names.add(n.substring(1, n.indexOf(".abandoned-")));
            }
        }
        Collections.sort(names);
        return names;
    }

    /** Flips one bit in the middle of a checkpoint's optimizer file: its CRC no longer matches. */
    private static void corruptOptimizerFile(Path checkpoint) throws IOException {
        Path file = checkpoint.resolve(TrainingCheckpoint.OPTIMIZER_FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x10;
        Files.write(file, bytes);
    }

    /** A step-level listener saving every 3 steps, not at the end. */
    private static CheckpointListener.Builder every3(Path root) {
        return CheckpointListener.builder()
                .setDirectory(root)
                .optEveryEpochs(0)
                .optEverySteps(3)
                .optAtEnd(false);
    }

    /**
     * Resumes a trainer from a source with a listener of its own scratch directory, which then
     * ends: what the source holds is not changed.
     */
    private static TrainingProgress resumeOnce(Trainer trainer, Path source, long seed, Path dir)
            throws IOException {
        try (CheckpointListener once =
                CheckpointListener.builder()
                        .setDirectory(dir.resolve("scratch"))
                        .optResumeFrom(source)
                        .optSeed(seed)
                        .build()) {
            return once.resume(trainer);
        }
    }

    /** Reads a manifest metadata value of a checkpoint, verifying the checkpoint. */
    private static String metadata(Path root, String checkpoint, String key) throws IOException {
        return TrainingCheckpoint.open(root.resolve(checkpoint)).getManifest().metadata().get(key);
    }

    /** Opens (fully verifies) every checkpoint of a root. */
    private static void assertAllValid(Path root) throws IOException {
        for (String n : checkpoints(root)) {
            assertNotNull(TrainingCheckpoint.open(root.resolve(n)));
        }
    }

    @Test
    void easyTrainFitSavesAtEpochEndsKeepsTheLastTwoAndPointsLatestAtTheNewest(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        List<SavedCheckpoint> saved = new CopyOnWriteArrayList<>();
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optKeepLast(2)
                        .addMetadata("run", "easy")
                        .optOnSaved(saved::add)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, listener)) {
            EasyTrain.fit(run.trainer(), 3, run.dataset(), run.validation());
            TrainingProgress end = new TrainingProgress(0, 3, 0, 21, List.of());
            try (TrainingSnapshot live = run.snapshot(end)) {
                run.trainer().close(); // onTrainingEnd: waits for the writes
                TrainingCheckpoint last = TrainingCheckpoint.open(root.resolve(name(21, 3, 0)));
                try (TrainingSnapshot disk = last.loadSnapshot()) {
                    TinyTraining.assertTensorsIdentical(
                            live.getParameters(), disk.getParameters(), "parameter");
                    TinyTraining.assertTensorsIdentical(
                            live.getOptimizerState().getTensors(),
                            disk.getOptimizerState().getTensors(),
                            "optimizer tensor");
                }
                assertEquals(3, last.getProgress().epochMetrics().size(), "metric history");
                assertTrue(last.getProgress().epochMetrics().get(2).containsKey("validate_loss"));
                Map<String, String> meta = last.getManifest().metadata();
                assertEquals("easy", meta.get("run"));
                assertEquals("3", meta.get(CheckpointListener.META_ORDINAL));
                assertEquals("EPOCHS", meta.get(CheckpointListener.META_REASONS));
            }
        }
        assertEquals(List.of(name(14, 2, 0), name(21, 3, 0)), checkpoints(root));
        assertEquals(3, saved.size(), "the end position was saved already: no fourth save");
        assertEquals(root.resolve(name(21, 3, 0)), LatestPointer.read(root).orElseThrow());
        assertEquals(
                name(21, 3, 0),
                CheckpointDirectories.findLatestValid(root)
                        .orElseThrow()
                        .getDirectory()
                        .getFileName()
                        .toString());
        for (SavedCheckpoint s : saved) {
            assertTrue(s.bytes() > 0);
            assertTrue(s.blockedNanos() >= s.waitedNanos());
        }
    }

    @Test
    void stepLevelSavesHoldTheStateAfterTheStepThoughTrainingGoesOnWhileTheyAreWritten(
            @TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(5)
                        .build();
        Map<Long, TrainingSnapshot> expected = new TreeMap<>();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            StepListener recorder =
                    (trainer, progress) -> {
                        if (progress.globalStep() % 5 == 0) {
                            expected.put(
                                    progress.globalStep(),
                                    TrainingSnapshot.capture(trainer, progress));
                        }
                    };
            TrainingProgress end =
                    run.train(
                            TrainingProgress.start(TinyTraining.RUN_SEED),
                            Long.MAX_VALUE,
                            listener,
                            recorder);
            expected.put(end.globalStep(), run.snapshot(end));
            run.trainer().close();
            assertEquals(
                    List.of(
                            name(5, 0, 5),
                            name(10, 1, 3),
                            name(15, 2, 1),
                            name(20, 2, 6),
                            name(21, 3, 0)),
                    checkpoints(root));
            for (String n : checkpoints(root)) {
                TrainingCheckpoint checkpoint = TrainingCheckpoint.open(root.resolve(n));
                try (TrainingSnapshot disk = checkpoint.loadSnapshot()) {
                    TinyTraining.assertBitIdentical(
                            expected.get(checkpoint.getProgress().globalStep()), disk);
                }
            }
            assertEquals("END", metadata(root, name(21, 3, 0), CheckpointListener.META_REASONS));
        } finally {
            expected.values().forEach(TrainingSnapshot::close);
        }
    }

    @Test
    void newBestValidationLossTriggersSavesAndTheBestTwoAreKept(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        List<SavedCheckpoint> saved = new CopyOnWriteArrayList<>();
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optAtEnd(false)
                        .optMonitor("loss", Monitor.Mode.MIN, true)
                        .optKeepLast(1)
                        .optKeepBest(2)
                        .optOnSaved(saved::add)
                        .build();
        List<Float> losses = new ArrayList<>();
        TrainingListenerAdapter lossRecorder = lossRecorder(losses);
        int epochs = 8;
        try (TinyTraining run =
                new TinyTraining(OptimizerKind.SGD, 3, true, listener, lossRecorder)) {
            EasyTrain.fit(run.trainer(), epochs, run.dataset(), run.validation());
            run.trainer().close();
        }
        assertEquals(epochs, losses.size());
        List<Integer> improved = new ArrayList<>();
        Float best = null;
        for (int e = 0; e < epochs; e++) {
            if (best == null || losses.get(e) < best) {
                best = losses.get(e);
                improved.add(e + 1);
            }
        }
        assertTrue(improved.size() >= 3, "the run improves at least 3 times: " + losses);
        List<Integer> savedEpochs = new ArrayList<>();
        for (SavedCheckpoint s : saved) {
            assertEquals(java.util.Set.of(SaveReason.BEST), s.reasons());
            // Most were deleted since: the epoch is read from the directory's name.
            Matcher m = EPOCH.matcher(s.directory().getFileName().toString());
            assertTrue(m.find());
            savedEpochs.add(Integer.parseInt(m.group(1)));
        }
        // The run's own losses, not the listener's record, say which epochs improved.
        assertEquals(improved, savedEpochs);
        // Only improvements are saved, so the best two are the last two improvements.
        List<String> kept = new ArrayList<>();
        for (int e : improved.subList(improved.size() - 2, improved.size())) {
            kept.add(name(7L * e, e, 0));
        }
        assertEquals(kept, checkpoints(root));
        String value = metadata(root, kept.get(1), CheckpointListener.META_MONITOR_VALUE);
        assertEquals(Float.toString(best), value);
    }

    @Test
    void bestKeptAlongsideTheLastAreNotTheNewestOnes(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optMonitor("loss", Monitor.Mode.MAX, true) // worst loss = "best"
                        .optKeepLast(1)
                        .optKeepBest(1)
                        .build();
        List<Float> losses = new ArrayList<>();
        TrainingListenerAdapter lossRecorder = lossRecorder(losses);
        try (TinyTraining run =
                new TinyTraining(OptimizerKind.SGD, 3, true, listener, lossRecorder)) {
            EasyTrain.fit(run.trainer(), 5, run.dataset(), run.validation());
            run.trainer().close();
        }
        int worst = 0;
        for (int e = 1; e < losses.size(); e++) {
            if (losses.get(e) > losses.get(worst)) {
                worst = e;
            }
        }
        List<String> expected = new ArrayList<>();
        expected.add(name(7L * (worst + 1), worst + 1, 0));
        if (worst != 4) {
            expected.add(name(35, 5, 0));
        }
        assertEquals(expected, checkpoints(root), "losses " + losses);
    }

    /** Fails the save of one step with a real I/O error: the root given is a regular file. */
    private static CheckpointSaver failingAt(long step, Path notADirectory) {
        return (root, snapshot, meta) ->
                CheckpointDirectories.save(
                        snapshot.getProgress().globalStep() == step ? notADirectory : root,
                        snapshot,
                        meta);
    }

    private static CheckpointListener failingListener(
            Path root, Path blocker, FailurePolicy policy, boolean async) {
        return CheckpointListener.builder()
                .setDirectory(root)
                .optEveryEpochs(0)
                .optEverySteps(3)
                .optKeepLast(2)
                .optAtEnd(false)
                .optAsync(async)
                .optFailurePolicy(policy)
                .optSaver(failingAt(6, blocker))
                .build();
    }

    @Test
    void failAtNextSaveStopsTrainingAtTheNextSaveAndDamagesNothing(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a directory");
        CheckpointListener listener =
                failingListener(root, blocker, FailurePolicy.FAIL_AT_NEXT_SAVE, true);
        AtomicLong lastStep = new AtomicLong();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            CheckpointWriteException e =
                    assertThrows(
                            CheckpointWriteException.class,
                            () ->
                                    run.train(
                                            TrainingProgress.start(1),
                                            Long.MAX_VALUE,
                                            (t, p) -> lastStep.set(p.globalStep()),
                                            listener));
            assertEquals(9, lastStep.get(), "thrown by the save after the failed one");
            assertEquals(root.resolve(name(6, 0, 6)), e.getCheckpoint());
            assertInstanceOf(FileAlreadyExistsException.class, e.getCause());
            assertTrue(e.getMessage().contains(name(6, 0, 6)), e.getMessage());
            run.trainer().close(); // reported already: closing does not throw it again
        }
        assertEquals(List.of(name(3, 0, 3)), checkpoints(root));
        assertAllValid(root);
        assertEquals(root.resolve(name(3, 0, 3)), LatestPointer.read(root).orElseThrow());
        assertEquals(1, listener.getFailures().size());
    }

    @Test
    void synchronousFailAtNextSaveThrowsFromTheFailingSave(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        CheckpointListener listener =
                failingListener(root, blocker, FailurePolicy.FAIL_AT_NEXT_SAVE, false);
        AtomicLong lastStep = new AtomicLong();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            assertThrows(
                    CheckpointWriteException.class,
                    () ->
                            run.train(
                                    TrainingProgress.start(1),
                                    Long.MAX_VALUE,
                                    (t, p) -> lastStep.set(p.globalStep()),
                                    listener));
            assertEquals(6, lastStep.get());
            run.trainer().close();
        }
        assertEquals(List.of(name(3, 0, 3)), checkpoints(root));
        assertAllValid(root);
    }

    @Test
    void failAtEndLetsTrainingAndTheTrainerFinishAndTheListenerThrowsWhenClosed(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        CheckpointListener listener =
                failingListener(root, blocker, FailurePolicy.FAIL_AT_END, true);
        AtomicInteger laterListenersEnded = new AtomicInteger();
        TrainingListenerAdapter later =
                new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingEnd(Trainer trainer) {
                        laterListenersEnded.incrementAndGet();
                    }
                };
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener, later)) {
            TrainingProgress end = run.train(TrainingProgress.start(1), Long.MAX_VALUE, listener);
            assertEquals(21, end.globalStep());
            run.trainer().close(); // once: DJL's own cleanup must run
            assertEquals(1, laterListenersEnded.get(), "the later listener was told");
            assertFalse(run.trainer().getManager().isOpen(), "DJL closed the trainer's manager");
            CheckpointWriteException e =
                    assertThrows(CheckpointWriteException.class, listener::close);
            assertEquals(root.resolve(name(6, 0, 6)), e.getCheckpoint());
            listener.close(); // thrown once
        }
        // Saves after the failure committed; retention kept the last two.
        assertEquals(List.of(name(18, 2, 4), name(21, 3, 0)), checkpoints(root));
        assertAllValid(root);
    }

    @Test
    void tolerateLogsAndRecordsTheFailureAndGoesOn(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        CheckpointListener listener = failingListener(root, blocker, FailurePolicy.TOLERATE, true);
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(1), Long.MAX_VALUE, listener);
            run.trainer().close();
        }
        assertEquals(1, listener.getFailures().size());
        assertEquals(root.resolve(name(6, 0, 6)), listener.getFailures().get(0).getCheckpoint());
        assertEquals(List.of(name(18, 2, 4), name(21, 3, 0)), checkpoints(root));
        assertAllValid(root);
    }

    @Test
    void failAtNextSaveWithAFailureNotReportedByTheEndThrowsFromCloseNotFromTheTrainer(
            @TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optAtEnd(false)
                        .optSaver(failingAt(9, blocker))
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(1), 9, listener);
            run.trainer().close();
            assertFalse(run.trainer().getManager().isOpen());
            CheckpointWriteException e =
                    assertThrows(CheckpointWriteException.class, listener::close);
            assertEquals(root.resolve(name(9, 1, 2)), e.getCheckpoint());
        }
        assertEquals(List.of(name(3, 0, 3), name(6, 0, 6)), checkpoints(root));
    }

    @Test
    void aFailureAfterTheCommitIsAWarningNotAFailedWrite(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        AtomicInteger told = new AtomicInteger();
        CheckpointListener listener =
                every3(root)
                        .optKeepLast(2)
                        .optOnSaved(
                                saved -> {
                                    told.incrementAndGet();
                                    throw new IllegalStateException("the user's callback fails");
                                })
                        .build(); // FAIL_AT_NEXT_SAVE
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            assertEquals(
                    21,
                    run.train(TrainingProgress.start(1), Long.MAX_VALUE, listener).globalStep());
            run.trainer().close();
            listener.close();
        }
        assertEquals(7, told.get());
        assertEquals(List.of(), listener.getFailures());
        assertEquals(List.of(name(18, 2, 4), name(21, 3, 0)), checkpoints(root));
        assertAllValid(root);
        assertEquals(root.resolve(name(21, 3, 0)), LatestPointer.read(root).orElseThrow());
    }

    /** Sets or clears the immutable attribute of a directory (refuses writes even to root). */
    private static void immutable(Path dir, boolean on) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder("chattr", on ? "+i" : "-i", dir.toString())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("chattr failed on " + dir + ": " + out);
        }
    }

    /** Whether an immutable directory refuses a new entry here (chattr present, supported). */
    private static boolean immutableDirectoriesWork(Path dir) {
        Path probe = dir.resolve("probe");
        try {
            Files.createDirectory(probe);
            immutable(probe, true);
        } catch (IOException | InterruptedException e) {
            return false;
        }
        try {
            Files.createDirectory(probe.resolve("x"));
            return false;
        } catch (IOException expected) {
            return true;
        } finally {
            try {
                immutable(probe, false);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aRootThatStopsTakingWritesFailsTheNextSaveAndDamagesNoCommittedCheckpoint(
            @TempDir Path dir) throws Exception {
        assumeTrue(
                immutableDirectoriesWork(dir),
                "needs chattr +i: the tests run as root, whom permissions do not stop");
        Path root = dir.resolve("ckpt");
        AtomicInteger frozen = new AtomicInteger();
        CheckpointListener listener =
                every3(root)
                        .optKeepLast(2)
                        .optOnSaved(
                                saved -> {
                                    if (saved.directory().endsWith(name(6, 0, 6))) {
                                        try {
                                            immutable(root, true); // the disk fails from now on
                                            frozen.incrementAndGet();
                                        } catch (IOException | InterruptedException e) {
                                            throw new IllegalStateException(e);
                                        }
                                    }
                                })
                        .build(); // FAIL_AT_NEXT_SAVE
        AtomicLong lastStep = new AtomicLong();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            CheckpointWriteException e =
                    assertThrows(
                            CheckpointWriteException.class,
                            () ->
                                    run.train(
                                            TrainingProgress.start(1),
                                            Long.MAX_VALUE,
                                            (t, p) -> lastStep.set(p.globalStep()),
                                            listener));
            assertEquals(1, frozen.get());
            assertEquals(12, lastStep.get(), "thrown by the save after the failed one");
            assertEquals(root.resolve(name(9, 1, 2)), e.getCheckpoint());
            assertInstanceOf(IOException.class, e.getCause());
            run.trainer().close();
            listener.close(); // reported already
        } finally {
            immutable(root, false);
        }
        assertEquals(List.of(name(3, 0, 3), name(6, 0, 6)), checkpoints(root));
        assertAllValid(root);
        assertEquals(root.resolve(name(6, 0, 6)), LatestPointer.read(root).orElseThrow());
        assertEquals(
                name(6, 0, 6),
                CheckpointDirectories.findLatestValid(root)
                        .orElseThrow()
                        .getDirectory()
                        .getFileName()
                        .toString());
    }

    @Test
    void retentionAfterAResumeBeforeACorruptNewestKeepsTheNewCheckpointAndLatestNamesIt(
            @TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = every3(root).optKeepLast(5).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 15, first);
            run.trainer().close();
            first.close();
        }
        assertEquals(
                List.of(
                        name(3, 0, 3),
                        name(6, 0, 6),
                        name(9, 1, 2),
                        name(12, 1, 5),
                        name(15, 2, 1)),
                checkpoints(root));
        corruptOptimizerFile(root.resolve(name(15, 2, 1)));

        CheckpointListener second =
                every3(root)
                        .optAtEnd(true)
                        .optKeepLast(1)
                        .optFailurePolicy(FailurePolicy.TOLERATE)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            TrainingProgress start = second.resume(run.trainer());
            assertEquals(12, start.globalStep(), "the newest valid");
            run.train(start, 14, second);
            run.trainer().close(); // saves step 14 (ordinal 6), the newest
            second.close();
        }
        assertEquals(List.of(), second.getFailures());
        // Kept: the new checkpoint and the resumed-from one; the corrupt step 15 lies after the
        // resume, on an abandoned timeline, and was moved aside.
        assertEquals(List.of(name(12, 1, 5), name(14, 1, 7)), checkpoints(root));
        assertEquals(List.of(name(15, 2, 1)), abandoned(root));
        assertEquals("6", metadata(root, name(14, 1, 7), CheckpointListener.META_ORDINAL));
        assertEquals(root.resolve(name(14, 1, 7)), LatestPointer.read(root).orElseThrow());
        assertEquals(
                name(14, 1, 7),
                CheckpointDirectories.findLatestValid(root)
                        .orElseThrow()
                        .getDirectory()
                        .getFileName()
                        .toString());
        assertAllValid(root);
    }

    @Test
    void aResumeFromAnOlderCheckpointMovesTheLaterOnesAsideProtectsItAndSavesThePositionsAgain(
            @TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = every3(root).optKeepLast(5).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 15, first);
            run.trainer().close();
            first.close();
        }
        CheckpointListener second =
                every3(root)
                        .optKeepLast(1)
                        .optResumeFrom(root.resolve(name(6, 0, 6)))
                        .build(); // FAIL_AT_NEXT_SAVE
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            TrainingProgress start = second.resume(run.trainer());
            assertEquals(6, start.globalStep());
            assertEquals(root.resolve(name(6, 0, 6)), LatestPointer.read(root).orElseThrow());
            assertEquals(List.of(name(9, 1, 2), name(12, 1, 5), name(15, 2, 1)), abandoned(root));
            assertEquals(12, run.train(start, 12, second).globalStep());
            run.trainer().close();
            second.close();
        }
        assertEquals(List.of(), second.getFailures());
        // Steps 9 and 12 saved again; keep-last 1 keeps step 12 and the protected resumed-from 6.
        assertEquals(List.of(name(6, 0, 6), name(12, 1, 5)), checkpoints(root));
        assertEquals(root.resolve(name(12, 1, 5)), LatestPointer.read(root).orElseThrow());
        assertAllValid(root);
    }

    @Test
    void aResumeBeforeACorruptNewestTrainsPastItsPositionAndSavesItAgain(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = every3(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 9, first);
            run.trainer().close();
            first.close();
        }
        corruptOptimizerFile(root.resolve(name(9, 1, 2)));
        CheckpointListener second = every3(root).build(); // FAIL_AT_NEXT_SAVE
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            TrainingProgress start = second.resume(run.trainer());
            assertEquals(6, start.globalStep());
            assertEquals(root.resolve(name(6, 0, 6)), LatestPointer.read(root).orElseThrow());
            assertEquals(12, run.train(start, 12, second).globalStep());
            run.trainer().close();
            second.close();
        }
        assertEquals(List.of(), second.getFailures());
        assertEquals(
                List.of(name(3, 0, 3), name(6, 0, 6), name(9, 1, 2), name(12, 1, 5)),
                checkpoints(root));
        assertEquals(List.of(name(9, 1, 2)), abandoned(root));
        assertAllValid(root);
    }

    @Test
    void underTolerateAPositionWhoseSaveFailedIsSavedAgainAtTheEnd(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        AtomicInteger attemptsAt9 = new AtomicInteger();
        CheckpointListener listener =
                every3(root)
                        .optAtEnd(true)
                        .optFailurePolicy(FailurePolicy.TOLERATE)
                        .optSaver(
                                (r, snapshot, meta) -> {
                                    boolean fail =
                                            snapshot.getProgress().globalStep() == 9
                                                    && attemptsAt9.incrementAndGet() == 1;
                                    return CheckpointDirectories.save(
                                            fail ? blocker : r, snapshot, meta);
                                })
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(1), 9, listener);
            run.trainer().close();
            listener.close();
        }
        assertEquals(1, listener.getFailures().size());
        assertEquals(2, attemptsAt9.get());
        assertEquals(List.of(name(3, 0, 3), name(6, 0, 6), name(9, 1, 2)), checkpoints(root));
        assertEquals("END", metadata(root, name(9, 1, 2), CheckpointListener.META_REASONS));
        assertEquals(root.resolve(name(9, 1, 2)), LatestPointer.read(root).orElseThrow());
    }

    @Test
    void aNewBestWhoseWriteFailedDoesNotCountUnderTolerate(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        List<SavedCheckpoint> saved = new CopyOnWriteArrayList<>();
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optAtEnd(false)
                        .optMonitor("loss", Monitor.Mode.MIN, true)
                        .optFailurePolicy(FailurePolicy.TOLERATE)
                        .optOnSaved(saved::add)
                        .optSaver(failingAt(7, blocker)) // epoch 1, always a new best
                        .build();
        List<Float> losses = new ArrayList<>();
        TrainingListenerAdapter lossRecorder = lossRecorder(losses);
        try (TinyTraining run =
                new TinyTraining(OptimizerKind.SGD, 3, true, listener, lossRecorder)) {
            EasyTrain.fit(run.trainer(), 4, run.dataset(), run.validation());
            run.trainer().close();
            listener.close();
        }
        assertTrue(losses.get(1) >= losses.get(0), "epoch 2 is no better than 1: " + losses);
        // Epoch 1's best was not committed: epoch 2 is the first best, then strict improvements.
        List<Integer> expected = new ArrayList<>();
        Float best = null;
        for (int e = 1; e < losses.size(); e++) {
            if (best == null || losses.get(e) < best) {
                best = losses.get(e);
                expected.add(e + 1);
            }
        }
        List<Integer> savedEpochs = new ArrayList<>();
        for (SavedCheckpoint s : saved) {
            Matcher m = EPOCH.matcher(s.directory().getFileName().toString());
            assertTrue(m.find());
            savedEpochs.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(expected, savedEpochs, "losses " + losses);
        assertEquals(1, listener.getFailures().size());
    }

    @Test
    void aStaleLatestPointerResumesFromTheNewestValidCheckpoint(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = every3(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 9, first);
            run.trainer().close();
            first.close();
        }
        // As if the JVM died between the commit of step 9 and the pointer's update.
        LatestPointer.write(root, root.resolve(name(6, 0, 6)));
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 3, false)) {
            Path latest = root.resolve(LatestPointer.FILE_NAME);
            assertEquals(9, resumeOnce(run.trainer(), latest, 5, dir).globalStep());
        }
    }

    @Test
    void theResumableLoopIsRecognizedThoughItsFirstEpochEndComesBeforeAnyStep(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first = every3(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 21, first);
            run.trainer().close();
            first.close();
        }
        List<String> before = checkpoints(root);
        assertEquals(name(21, 2, 7), before.get(before.size() - 1));
        // Resumed after an epoch's last step: the loop's first calls are
        // onEpoch (DJL's) and then afterEpoch, with no step before them.
        CheckpointListener second = CheckpointListener.builder().setDirectory(root).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            TrainingProgress start = second.resume(run.trainer());
            TrainingProgress end = run.train(start, Long.MAX_VALUE, second);
            assertEquals(new TrainingProgress(start.seed(), 3, 0, 21, end.epochMetrics()), end);
            run.trainer().close();
            second.close();
        }
        List<String> added = new ArrayList<>(checkpoints(root));
        added.removeAll(before);
        assertEquals(List.of(name(21, 3, 0)), added, "only the loop's own epoch end");
    }

    @Test
    void aHoldThroughAPathWithDotDotProtectsTheCheckpoint(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener = every3(root).optKeepLast(1).optAsync(false).build();
        AtomicReference<CheckpointListener.Hold> hold = new AtomicReference<>();
        StepListener reader =
                (trainer, progress) -> {
                    if (progress.globalStep() == 3) {
                        hold.set(listener.hold(root.resolve("../ckpt").resolve(name(3, 0, 3))));
                    }
                };
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(1), 9, listener, reader);
            run.trainer().close();
            listener.close();
        }
        assertEquals(List.of(name(3, 0, 3), name(9, 1, 2)), checkpoints(root));
        hold.get().close();
    }

    @Test
    void resumedFromCheckpointIsNeverDeletedAndOrdinalsContinueAcrossRuns(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optAtEnd(false)
                        .optKeepLast(2)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 9, first);
            run.trainer().close();
        }
        assertEquals(List.of(name(6, 0, 6), name(9, 1, 2)), checkpoints(root));

        CheckpointListener second =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optKeepLast(1)
                        .optKeepEvery(4)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            assertEquals(
                    List.of(root.resolve(name(6, 0, 6)), root.resolve(name(9, 1, 2))),
                    second.getCheckpoints(),
                    "the earlier run's checkpoints are registered when the trainer is created");
            TrainingProgress start = second.resume(run.trainer());
            assertEquals(9, start.globalStep());
            assertEquals(TinyTraining.RUN_SEED, start.seed(), "the saved seed");
            run.train(start, Long.MAX_VALUE, second);
            run.trainer().close();
        }
        // Saved now: 12 (ordinal 4), 15, 18, 21 (steps, epoch 2 batch 7), then the end
        // position (epoch 3, batch 0; ordinal 8). Kept: the newest, the resumed-from 9, and
        // ordinals 4 (step 12) and 8 permanently.
        assertEquals(List.of(name(9, 1, 2), name(12, 1, 5), name(21, 3, 0)), checkpoints(root));
        assertEquals("4", metadata(root, name(12, 1, 5), CheckpointListener.META_ORDINAL));
        assertAllValid(root);

        // The one call also takes one checkpoint, or the latest pointer.
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 3, false)) {
            assertEquals(
                    12,
                    resumeOnce(run.trainer(), root.resolve(name(12, 1, 5)), 5, dir).globalStep());
            assertEquals(
                    21,
                    resumeOnce(run.trainer(), root.resolve(LatestPointer.FILE_NAME), 5, dir)
                            .globalStep());
        }
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 3, false)) {
            assertEquals(
                    TrainingProgress.start(5),
                    resumeOnce(run.trainer(), dir.resolve("empty"), 5, dir));
        }
    }

    @Test
    void aHeldCheckpointOutlivesRetentionUntilReleased(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optKeepLast(1)
                        .optAsync(false)
                        .build();
        AtomicReference<CheckpointListener.Hold> hold = new AtomicReference<>();
        List<List<String>> seenAt12 = new ArrayList<>();
        StepListener reader =
                (trainer, progress) -> {
                    try {
                        if (progress.globalStep() == 3) {
                            hold.set(listener.hold(root.resolve(name(3, 0, 3))));
                        } else if (progress.globalStep() == 12) {
                            seenAt12.add(checkpoints(root));
                            hold.get().close();
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(1), Long.MAX_VALUE, listener, reader);
            run.trainer().close();
        }
        assertEquals(List.of(List.of(name(3, 0, 3), name(12, 1, 5))), seenAt12);
        assertEquals(List.of(name(21, 3, 0)), checkpoints(root));
        assertThrows(IllegalStateException.class, () -> listener.hold(root.resolve(name(3, 0, 3))));
    }

    @Test
    void theNextSaveWaitsForTheWriteInFlight(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        AtomicInteger writesStarted = new AtomicInteger();
        List<SavedCheckpoint> saved = new CopyOnWriteArrayList<>();
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optAtEnd(false)
                        .optOnSaved(saved::add)
                        .optSaver(
                                (r, snapshot, meta) -> {
                                    if (writesStarted.incrementAndGet() == 1) {
                                        firstWriteStarted.countDown();
                                        try {
                                            releaseFirstWrite.await();
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                            throw new java.io.InterruptedIOException();
                                        }
                                    }
                                    return CheckpointDirectories.save(r, snapshot, meta);
                                })
                        .build();
        AtomicLong lastStep = new AtomicLong();
        Thread trainingThread = Thread.currentThread();
        List<String> observed = new CopyOnWriteArrayList<>();
        Thread observer =
                new Thread(
                        () -> {
                            try {
                                firstWriteStarted.await();
                                // The training thread parks on the writer's slot at step 6.
                                while (trainingThread.getState() != Thread.State.WAITING) {
                                    Thread.onSpinWait();
                                }
                                observed.add(
                                        "blocked at step "
                                                + lastStep.get()
                                                + " with writes started "
                                                + writesStarted.get());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                releaseFirstWrite.countDown();
                            }
                        });
        observer.start();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(
                    TrainingProgress.start(1),
                    12,
                    (t, p) -> lastStep.set(p.globalStep()),
                    listener);
            run.trainer().close();
        }
        observer.join();
        assertEquals(List.of("blocked at step 6 with writes started 1"), observed);
        assertEquals(4, saved.size());
        assertTrue(saved.get(1).waitedNanos() > 0, "the save of step 6 waited");
        assertEquals(
                List.of(name(3, 0, 3), name(6, 0, 6), name(9, 1, 2), name(12, 1, 5)),
                checkpoints(root));
    }

    @Test
    void builderRefusesIncompleteOrReservedSettings() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointListener.builder().build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        CheckpointListener.builder()
                                .setDirectory(Path.of("x"))
                                .optKeepBest(1)
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> CheckpointListener.builder().addMetadata("checkpointListener.ordinal", "1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CheckpointListener.builder().optEverySeconds(Double.NaN));
        for (java.util.function.UnaryOperator<CheckpointListener.Builder> setting :
                List.<java.util.function.UnaryOperator<CheckpointListener.Builder>>of(
                        b -> b.optKeepLast(0),
                        b -> b.optKeepBest(-1),
                        b -> b.optKeepEvery(-1),
                        b -> b.optEveryEpochs(-1),
                        b -> b.optEverySteps(-1),
                        b -> b.optMaxWritesInFlight(0),
                        b -> b.optLease(java.time.Duration.ZERO),
                        b -> b.optLease(java.time.Duration.ofSeconds(-1)))) {
            CheckpointListener.Builder builder =
                    CheckpointListener.builder().setDirectory(Path.of("x"));
            assertThrows(IllegalArgumentException.class, () -> setting.apply(builder).build());
        }
    }

    @Test
    void aDamagedCheckpointSavedAgainAfterAResumeSurvivesRetention(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener first =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optAtEnd(false)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, first)) {
            run.train(TrainingProgress.start(TinyTraining.RUN_SEED), 6, first);
            run.trainer().close();
        }
        Path step6 = root.resolve(name(6, 0, 6));
        byte[] bytes = Files.readAllBytes(step6.resolve(TrainingCheckpoint.PARAMETERS_FILE));
        bytes[bytes.length - 5] ^= 0x10;
        Files.write(step6.resolve(TrainingCheckpoint.PARAMETERS_FILE), bytes);

        CheckpointListener second =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEveryEpochs(0)
                        .optEverySteps(3)
                        .optAtEnd(false)
                        .optKeepLast(1)
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 2, false, second)) {
            TrainingProgress start = second.resume(run.trainer());
            assertEquals(3, start.globalStep(), "the damaged step 6 is skipped");
            run.train(start, 6, second);
            run.trainer().close();
        }
        // The damaged step 6 was moved aside (a dot name, not listed); the new one is kept as
        // the newest, the resumed-from step 3 is protected.
        assertEquals(List.of(name(3, 0, 3), name(6, 0, 6)), checkpoints(root));
        assertAllValid(root);
        try (DirectoryStream<Path> aside =
                Files.newDirectoryStream(root, "." + name(6, 0, 6) + ".{damaged,abandoned}-*")) {
            assertTrue(aside.iterator().hasNext(), "the damaged checkpoint is kept aside");
        }
        assertEquals(
                step6, CheckpointDirectories.findLatestValid(root).orElseThrow().getDirectory());
        assertEquals(
                name(6, 0, 6), Files.readString(root.resolve(LatestPointer.FILE_NAME)).strip());
    }

    @Test
    void aRunPickedUpWithoutResumeCountsStepsFromWhereItStarted(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener = every3(root).optAsync(false).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            TrainingProgress warm = run.train(TrainingProgress.start(1), 4);
            run.train(warm, 9, listener);
            run.trainer().close();
            listener.close();
        }
        // The warm-up's batches reach the listener through the trainer alone, as under
        // EasyTrain.fit: step 3 is saved at the next batch, before its step. Then counting goes
        // on from step 4, not from 0: no save at step 5 for the multiple 3 crossed before.
        assertEquals(List.of(name(3, 0, 3), name(6, 0, 6), name(9, 1, 2)), checkpoints(root));
    }
}
