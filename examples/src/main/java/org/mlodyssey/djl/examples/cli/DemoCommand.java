/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.examples.ResumeDemo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odyssey demo}: train, crash, resume, and check the resumed run matched. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Offline demo: writes a small dataset of procedurally drawn digits and capitals in"
                    + " the EMNIST file format, trains LeNet on it with automatic checkpoints,"
                    + " crashes the run after step "
                    + ResumeDemo.CRASH_STEP
                    + ", resumes it from the newest checkpoint with a new model and trainer, and"
                    + " compares the result with an uninterrupted run, byte for byte.",
            "Progress goes to standard error; standard output gets one JSON line (matched,"
                    + " tensors_compared, steps, resumed_at_step, test_accuracy, ...).",
            "Exit status: 0 the resumed run matched; 1 it did not, or the demo failed."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--dir",
            paramLabel = "D",
            description =
                    "keep the data and checkpoints in D; a rerun replaces what an earlier demo left"
                            + " there (default: a temporary directory, deleted at the end)")
    private Path dir;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Path where = dir != null ? dir : Files.createTempDirectory("odyssey-demo");
        try {
            PrintWriter err = spec.commandLine().getErr();
            ResumeDemo.Result result = ResumeDemo.run(where, err, List.of(new ProgressBar(err)));
            spec.commandLine().getOut().println(result.toJson());
            spec.commandLine().getOut().flush();
            return result.matched() ? 0 : 1;
        } finally {
            if (dir == null) {
                AtomicFiles.deleteRecursively(where);
            }
        }
    }
}
