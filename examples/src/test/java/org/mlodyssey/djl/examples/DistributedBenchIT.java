/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code odyssey bench distributed} runs its raw writers, writer and reader processes and prints
 * its table, every rank's phases and the limit.
 */
class DistributedBenchIT {

    @Test
    void aSmallRunPrintsEveryRowAndTheLimit() {
        Cli.Outcome outcome = Cli.run("bench", "distributed", "--mib", "8", "--repetitions", "2");
        assertEquals(0, outcome.exit(), outcome.toString());
        for (String row :
                new String[] {
                    "raw write + fsync by 1",
                    "raw write + fsync by 4",
                    "vs raw N",
                    "save by 1 writers",
                    "save by 2 writers",
                    "save by 4 writers",
                    "load by 1 readers",
                    "load by 4 readers",
                    "4 writers, rank 3: from +",
                    "limit with 4 writers: ",
                    "CPU seconds per GiB written: ",
                    "the disk's best: "
                }) {
            assertTrue(outcome.out().contains(row), row + " in\n" + outcome);
        }
        assertTrue(outcome.out().contains("read/requested 1.0000"), outcome.toString());
    }

    @Test
    void aSizeBelowEightMibIsAUsageError() {
        Cli.Outcome outcome = Cli.run("bench", "distributed", "--mib", "4");
        assertEquals(2, outcome.exit(), outcome.toString());
        assertTrue(outcome.err().contains("--mib"), outcome.toString());
    }

    @Test
    void noRepetitionsIsAUsageError() {
        Cli.Outcome outcome = Cli.run("bench", "distributed", "--repetitions", "0");
        assertEquals(2, outcome.exit(), outcome.toString());
        assertTrue(outcome.err().contains("--repetitions"), outcome.toString());
    }
}
