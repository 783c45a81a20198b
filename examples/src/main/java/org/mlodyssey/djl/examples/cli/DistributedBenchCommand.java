/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.examples.bench.DistributedBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code odyssey bench distributed}: distributed saves by 1, 2, 4 writers, loads by 1 and 4. */
@Command(
        name = "distributed",
        mixinStandardHelpOptions = true,
        description =
                "A distributed checkpoint saved by 1, 2 and 4 writer processes and loaded by 1 and"
                        + " 4 reader processes, next to raw writes of the same bytes by 1, 2 and 4"
                        + " threads, each save's phases per rank, and whether the disk or the CPU"
                        + " was the limit (DistributedBenchmark).")
final class DistributedBenchCommand implements Callable<Integer> {

    @Spec private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--mib",
            defaultValue = "1024",
            description = "checkpoint size in MiB, at least 8 (default: ${DEFAULT-VALUE})")
    private int mib;

    @Option(
            names = "--repetitions",
            defaultValue = "3",
            description =
                    "runs of every row, the rows taken in turn; the median is printed (default:"
                            + " ${DEFAULT-VALUE})")
    private int repetitions;

    @Option(
            names = "--dir",
            paramLabel = "D",
            description = "where files go (default: a temporary directory, deleted at the end)")
    private Path dir;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (mib < 8) {
            throw new ParameterException(
                    spec.commandLine(), "--mib: must be at least 8, got " + mib);
        }
        if (repetitions < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--repetitions: must be at least 1, got " + repetitions);
        }
        Path where =
                dir != null
                        ? Files.createDirectories(dir)
                        : Files.createTempDirectory("odyssey-distributed-bench");
        try {
            DistributedBenchmark.runBenchmark(
                    mib,
                    new int[] {1, 2, 4},
                    new int[] {1, 4},
                    repetitions,
                    where,
                    spec.commandLine().getOut());
        } finally {
            if (dir == null) {
                AtomicFiles.deleteRecursively(where);
            }
        }
        return 0;
    }
}
