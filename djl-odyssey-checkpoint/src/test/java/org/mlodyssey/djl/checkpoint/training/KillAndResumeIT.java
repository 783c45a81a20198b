/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Across JVMs: a child JVM killed with SIGKILL right after committing a checkpoint, resumed in a
 * new JVM, ends bit-identical to a child JVM that trained without interruption.
 */
class KillAndResumeIT {

    @Test
    void runKilledAfterACommitAndResumedInANewJvmEndsBitIdentical(@TempDir Path dir)
            throws Exception {
        Path straightRoot = dir.resolve("straight-checkpoints");
        Path straightOut = dir.resolve("straight-final");
        Path crashRoot = dir.resolve("crash-checkpoints");
        Path resumedOut = dir.resolve("resumed-final");

        List<String> straight =
                ChildJvm.runToEnd(
                        dir,
                        "finish-straight",
                        ResumeChildMain.class,
                        "finish",
                        straightRoot.toString(),
                        straightOut.toString());
        assertEquals("STARTED 0", straight.get(0));

        // Checkpoints at steps 3, 6, 9 and 12 (mid-epoch: epoch 1, batch 5); killed after 12.
        ChildJvm crash =
                ChildJvm.start(
                        dir,
                        "crash",
                        ResumeChildMain.class,
                        "crash",
                        crashRoot.toString(),
                        "3",
                        "12");
        String committed = crash.awaitLine("COMMITTED ");
        crash.kill();
        assertNotNull(committed, "the child never committed: " + crash.log());
        assertEquals(
                "step-000000000012-epoch-000001-batch-000000005",
                Path.of(committed).getFileName().toString());

        List<String> resumed =
                ChildJvm.runToEnd(
                        dir,
                        "finish-resumed",
                        ResumeChildMain.class,
                        "finish",
                        crashRoot.toString(),
                        resumedOut.toString());
        assertEquals("STARTED 12", resumed.get(0), "resumed from the last committed checkpoint");

        TinyTraining.assertSameFinalState(straightOut, resumedOut);
    }
}
