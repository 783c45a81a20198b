/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code odyssey bench} runs the benchmark classes and prints their tables. */
class BenchCommandTest {

    @TempDir Path dir;

    @Test
    void checkpointBenchmarkPrintsItsTable() {
        Cli.Outcome o =
                Cli.run(
                        "bench",
                        "checkpoint",
                        "--mib",
                        "4",
                        "--repetitions",
                        "1",
                        "--dir",
                        dir.toString());
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("save DJL Model.save"), o.out());
        assertTrue(o.out().contains("load speed-up vs DJL Model.load"), o.out());
    }

    @Test
    void aBenchmarkMustBeNamedAndSizesChecked() {
        Cli.Outcome none = Cli.run("bench");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("checkpoint, data or listener"), none.err());
        Cli.Outcome small = Cli.run("bench", "checkpoint", "--mib", "1");
        assertEquals(2, small.exit());
        assertTrue(small.err().contains("--mib: must be at least 4"), small.err());
        Cli.Outcome saves = Cli.run("bench", "listener", "--saves", "0");
        assertEquals(2, saves.exit());
        assertTrue(saves.err().contains("--saves"), saves.err());
    }
}
