/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.examples.SampleGrid;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code odyssey preview}: a labelled grid of a dataset's images. */
@Command(
        name = "preview",
        mixinStandardHelpOptions = true,
        description = {
            "Write a PNG grid of the first training images of a dataset, upright as the model"
                    + " sees them, each labelled with its class name.",
            "Exit status: 0 written; 1 the data could not be read or the PNG written; 2 usage"
                    + " error."
        })
public final class PreviewCommand implements Callable<Integer> {

    @Spec private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin private DatasetOptions data;

    @Option(names = "--out", required = true, paramLabel = "grid.png", description = "the PNG")
    private Path out;

    @Option(names = "--rows", defaultValue = "6", description = "default: ${DEFAULT-VALUE}")
    private int rows;

    @Option(names = "--cols", defaultValue = "8", description = "default: ${DEFAULT-VALUE}")
    private int cols;

    @Option(
            names = "--scale",
            defaultValue = "3",
            description = "enlargement of each image (default: ${DEFAULT-VALUE})")
    private int scale;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        String checked = data.checkedSplit(cl);
        for (Object[] flag :
                new Object[][] {{"--rows", rows}, {"--cols", cols}, {"--scale", scale}}) {
            int v = (Integer) flag[1];
            if (v < 1 || v > 64) {
                throw new ParameterException(cl, flag[0] + ": must be 1 to 64, got " + v);
            }
        }
        SampleGrid.Result r;
        r =
                SampleGrid.run(
                        data.dataset,
                        checked,
                        data.dataDir,
                        rows,
                        cols,
                        scale,
                        data.checkRecordCounts,
                        out);
        cl.getOut()
                .printf(
                        "%s: %d images in a %dx%d grid, %dx%d pixels%n",
                        r.file(), r.labels().size(), r.rows(), r.cols(), r.width(), r.height());
        cl.getOut().flush();
        return 0;
    }
}
