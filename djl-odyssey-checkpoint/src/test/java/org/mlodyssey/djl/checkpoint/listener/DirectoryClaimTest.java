/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryLockedException;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryNotEmptyException;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/**
 * Tests {@link DirectoryClaim}: the directory's lock taken once and released, the check that a run
 * starting at step 0 finds no checkpoint (made once, at the first step), the failure after which
 * nothing is saved, and the directory not opened again after the end or close.
 */
class DirectoryClaimTest {

    private static CheckpointRegistry registryOf(CheckpointDirectory dir) {
        return new CheckpointRegistry(
                dir, new RetentionPolicy(RetentionPolicy.KEEP_ALL, 0, 0, null), null);
    }

    private static DirectoryClaim claimOf(CheckpointDirectory dir, CheckpointRegistry registry) {
        return new DirectoryClaim(
                dir, registry, new CheckpointTrigger(1, 0, 0, true, null, System::nanoTime));
    }

    private static DirectoryClaim claimOf(CheckpointDirectory dir) {
        return claimOf(dir, registryOf(dir));
    }

    /** Commits one checkpoint of a listener (step 3, its first) into a directory. */
    private static Path commitOne(CheckpointDirectory dir) throws IOException {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1);
                TrainingSnapshot snapshot =
                        run.snapshot(new TrainingProgress(1, 0, 3, 3, List.of()))) {
            return dir.save(snapshot, Map.of(CheckpointListener.META_ORDINAL, "1"));
        }
    }

    /** Whether another claim can lock the directory now (it unlocks it again). */
    private static boolean lockable(Path root) {
        try (CheckpointDirectory other = CheckpointDirectory.of(root)) {
            DirectoryClaim claim = claimOf(other);
            claim.open();
            claim.release();
            return true;
        } catch (CheckpointDirectoryLockedException e) {
            return false;
        }
    }

    @Test
    void openLocksOnceRegistersWhatIsThereAndHoldsTheLockUntilReleased(@TempDir Path root)
            throws IOException {
        try (CheckpointDirectory dir = CheckpointDirectory.of(root)) {
            Path earlier = commitOne(dir);
            CheckpointRegistry registry = registryOf(dir);
            DirectoryClaim claim = claimOf(dir, registry);

            claim.open();
            claim.open(); // once
            assertEquals(List.of(earlier), registry.list());
            assertFalse(lockable(root));
            claim.release();
            assertTrue(lockable(root));
        }
    }

    @Test
    void aRunStartingAtStepZeroRefusesADirectoryWithCheckpointsAndSavesNothingAfter(
            @TempDir Path root) throws IOException {
        try (CheckpointDirectory dir = CheckpointDirectory.of(root)) {
            commitOne(dir);
            DirectoryClaim claim = claimOf(dir);

            CheckpointDirectoryNotEmptyException e =
                    assertThrows(
                            CheckpointDirectoryNotEmptyException.class, () -> claim.startAnew(0));
            assertSame(e, claim.failure());
            assertTrue(lockable(root), "the lock is released");
            assertFalse(claim.openForSave());
            assertTrue(lockable(root), "a save after the failure does not lock again");
            assertTrue(claim.warnIfFailed());
        }
    }

    @Test
    void aRunStartingLaterOrResumedChecksNothing(@TempDir Path root) throws IOException {
        try (CheckpointDirectory dir = CheckpointDirectory.of(root)) {
            commitOne(dir);
            DirectoryClaim later = claimOf(dir);
            later.startAnew(5);
            assertNull(later.failure());
            assertTrue(lockable(root), "nothing locked");
            later.startAnew(0); // the run's first step decided: checked once, not again
            assertNull(later.failure());

            DirectoryClaim resumed = claimOf(dir);
            resumed.resumed();
            resumed.startAnew(0);
            assertNull(resumed.failure());
            assertFalse(resumed.warnIfFailed());
        }
    }

    @Test
    void aFailureIsRecordedUncheckedAndUnlocksTheDirectory(@TempDir Path root) throws IOException {
        try (CheckpointDirectory dir = CheckpointDirectory.of(root)) {
            DirectoryClaim claim = claimOf(dir);
            claim.open();
            IOException cause = new IOException("unreadable");

            RuntimeException failure = claim.fail(cause);
            assertInstanceOf(UncheckedIOException.class, failure);
            assertSame(cause, failure.getCause());
            assertSame(failure, claim.failure());
            assertTrue(lockable(root));

            DirectoryClaim other = claimOf(dir);
            other.open();
            IllegalStateException unchecked = new IllegalStateException("refused");
            assertSame(unchecked, other.fail(unchecked), "an unchecked failure is kept as is");
            assertSame(unchecked, other.failure());
            assertTrue(lockable(root));
        }
    }

    @Test
    void aDirectoryThatCannotBeOpenedFailsUncheckedNamingIt(@TempDir Path parent)
            throws IOException {
        Path root = Files.writeString(parent.resolve("ckpt"), "a regular file");
        try (CheckpointDirectory dir = CheckpointDirectory.of(root)) {
            DirectoryClaim claim = claimOf(dir);

            UncheckedIOException e = assertThrows(UncheckedIOException.class, claim::open);
            assertEquals("Cannot open the checkpoint directory " + dir, e.getMessage());
            assertInstanceOf(IOException.class, e.getCause());
        }
    }

    @Test
    void theDirectoryIsNotOpenedAgainAfterTheEndOrClose(@TempDir Path root) throws IOException {
        try (CheckpointDirectory dir = CheckpointDirectory.of(root)) {
            DirectoryClaim ended = claimOf(dir);
            ended.open();
            ended.markEnded();
            assertTrue(ended.isEnded());
            ended.open(); // still locked: nothing to do
            assertTrue(ended.openForSave());
            ended.release();
            IllegalStateException e = assertThrows(IllegalStateException.class, ended::open);
            assertTrue(e.getMessage().contains("has ended"), e.getMessage());

            DirectoryClaim closed = claimOf(dir);
            closed.markClosed();
            assertTrue(closed.isClosed());
            e = assertThrows(IllegalStateException.class, closed::openForSave);
            assertTrue(e.getMessage().contains("is closed"), e.getMessage());
            assertThrows(IllegalStateException.class, closed::open);
        }
    }
}
