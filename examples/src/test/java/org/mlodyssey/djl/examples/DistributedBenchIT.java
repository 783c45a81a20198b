/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code odyssey bench distributed} runs its writer and reader processes and prints its table. */
class DistributedBenchIT {

    @Test
    void aSmallRunPrintsEveryRowAndTheLimit() {
        Cli.Outcome outcome = Cli.run("bench", "distributed", "--mib", "8");
        assertEquals(0, outcome.exit(), outcome.toString());
        for (String row :
                new String[] {
                    "raw write + fsync",
                    "save by 1 writers",
                    "save by 2 writers",
                    "save by 4 writers",
                    "load by 1 readers",
                    "load by 4 readers",
                    "limit with 4 writers: the "
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
}
