/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;

/**
 * Across JVMs: a run with an asynchronous {@link CheckpointListener}, killed with SIGKILL after a
 * commit while training goes on, resumed with the listener's one call in a new JVM, ends
 * bit-identical to an uninterrupted run.
 */
class ListenerKillAndResumeIT {

    @Test
    void killedRunResumedWithTheOneCallEndsBitIdentical(@TempDir Path dir) throws Exception {
        Path straightRoot = dir.resolve("straight-checkpoints");
        Path straightOut = dir.resolve("straight-final");
        Path crashRoot = dir.resolve("crash-checkpoints");
        Path resumedOut = dir.resolve("resumed-final");

        List<String> straight =
                ChildJvm.runToEnd(
                        dir,
                        "straight",
                        ListenerChildMain.class,
                        "finish",
                        straightRoot.toString(),
                        straightOut.toString());
        assertEquals("STARTED 0", straight.get(0));

        ChildJvm crash =
                ChildJvm.start(
                        dir, "crash", ListenerChildMain.class, "crash", crashRoot.toString(), "12");
        String committed = crash.awaitLine("COMMITTED ");
        crash.kill();
        assertNotNull(committed, "the child never committed: " + crash.log());
        // The last two saves survive (retention), whatever the kill interrupted is not loaded.
        TrainingCheckpoint newest = CheckpointDirectories.findLatestValid(crashRoot).orElseThrow();
        assertEquals(12, newest.getProgress().globalStep());
        assertTrue(Files.isDirectory(crashRoot.resolve(stepDir(9, 1, 2))));

        List<String> resumed =
                ChildJvm.runToEnd(
                        dir,
                        "resumed",
                        ListenerChildMain.class,
                        "finish",
                        crashRoot.toString(),
                        resumedOut.toString());
        assertEquals("STARTED 12", resumed.get(0), "resumed from the last committed checkpoint");
        // Resumed from 12: kept although newer saves (18, 21) fill the last two.
        assertTrue(Files.isDirectory(crashRoot.resolve(stepDir(12, 1, 5))));
        assertEquals(
                crashRoot.resolve(stepDir(21, 3, 0)), LatestPointer.read(crashRoot).orElseThrow());

        TinyTraining.assertSameFinalState(straightOut, resumedOut);
    }

    private static String stepDir(long step, int epoch, int batch) {
        return String.format("step-%012d-epoch-%06d-batch-%09d", step, epoch, batch);
    }
}
