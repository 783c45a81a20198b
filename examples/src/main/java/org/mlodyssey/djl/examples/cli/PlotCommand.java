/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.examples.CheckpointLocations;
import org.mlodyssey.djl.examples.TrainingCurves;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code odyssey plot}: loss and accuracy curves of a run, with checkpoints and resumes. */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description = {
            "Write a PNG of loss and accuracy per epoch (training and validation) from the"
                    + " metric history of the newest valid checkpoint in --checkpoint-dir, with"
                    + " every checkpoint (grey triangles) and resume point (red dashed lines)"
                    + " marked.",
            "Exit status: 0 written; 1 no valid checkpoint, or the PNG could not be written; 2"
                    + " usage error."
        })
public final class PlotCommand implements Callable<Integer> {

    @Spec private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--checkpoint-dir",
            required = true,
            paramLabel = "C",
            description =
                    "a directory of checkpoints of a CheckpointListener (odyssey train or any"
                            + " program), or s3://bucket/prefix")
    private Path checkpointDir;

    @Option(names = "--out", required = true, paramLabel = "curves.png", description = "the PNG")
    private Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (!CheckpointLocations.isRemote(checkpointDir) && !Files.isDirectory(checkpointDir)) {
            throw new ParameterException(
                    cl, "--checkpoint-dir: " + checkpointDir + " is not a directory");
        }
        TrainingCurves.Result r = TrainingCurves.run(checkpointDir, out);
        cl.getOut()
                .printf(
                        "%s: %d epochs, %d checkpoints and %d resume points marked%n",
                        r.file(), r.epochs(), r.checkpointSteps().size(), r.resumeSteps().size());
        cl.getOut().flush();
        return 0;
    }
}
