/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.nio.file.Path;
import org.mlodyssey.djl.examples.DatasetKind;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options that choose a dataset: {@code --dataset}, {@code --split}, {@code --data-dir}. */
final class DatasetOptions {

    @Option(names = "--dataset", required = true, description = "emnist, cifar10 or cifar100")
    DatasetKind dataset;

    @Option(
            names = "--split",
            description =
                    "emnist: byclass, bymerge, balanced (default), letters, digits, mnist;"
                            + " cifar100: fine (default), coarse; cifar10: none")
    String split;

    @Option(
            names = "--data-dir",
            paramLabel = "D",
            description = "where the dataset's files are (default: under the DJL cache directory)")
    Path dataDir;

    @Option(
            names = "--check-record-counts",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "CIFAR: require the official number of records in each batch file (10,000);"
                            + " --no-check-record-counts reads smaller files of the same format,"
                            + " such as a subset (default: on)")
    boolean checkRecordCounts;

    /**
     * Returns the split in canonical form.
     *
     * @param cl the command line, for the usage error
     * @return the split, or null for a dataset without splits
     * @throws ParameterException naming {@code --split} and the valid splits
     */
    String checkedSplit(CommandLine cl) {
        try {
            return dataset.checkSplit(split);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--split: " + e.getMessage());
        }
    }
}
