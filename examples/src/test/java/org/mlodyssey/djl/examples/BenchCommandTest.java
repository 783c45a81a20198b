/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    /**
     * The system temporary directory's entries named as the two benchmarks name theirs (other
     * programs on the machine may make and delete other odyssey-* entries meanwhile).
     */
    private static Set<String> temporaries() throws IOException {
        try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("odyssey-bench") || n.startsWith("odyssey-listener"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void withoutDirTheBenchmarksDeleteTheirTemporaryDirectory() throws IOException {
        Set<String> before = temporaries();
        Cli.Outcome listener =
                Cli.run("bench", "listener", "--mib", "1", "--saves", "2", "--every", "1");
        assertEquals(0, listener.exit(), listener.toString());
        Cli.Outcome checkpoint = Cli.run("bench", "checkpoint", "--mib", "4", "--repetitions", "1");
        assertEquals(0, checkpoint.exit(), checkpoint.toString());
        Set<String> left = temporaries();
        left.removeAll(before);
        assertEquals(Set.of(), left, "temporary directories left behind");
    }

    @Test
    void aBenchmarkMustBeNamedAndSizesChecked() {
        Cli.Outcome none = Cli.run("bench");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("checkpoint, data, listener or storage"), none.err());
        Cli.Outcome small = Cli.run("bench", "checkpoint", "--mib", "1");
        assertEquals(2, small.exit());
        assertTrue(small.err().contains("--mib: must be at least 4"), small.err());
        Cli.Outcome saves = Cli.run("bench", "listener", "--saves", "0");
        assertEquals(2, saves.exit());
        assertTrue(saves.err().contains("--saves"), saves.err());
    }
}
