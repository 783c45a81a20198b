/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.examples.ModelKind;
import org.mlodyssey.djl.examples.OptimizerKind;
import org.mlodyssey.djl.examples.ResumeConflictException;
import org.mlodyssey.djl.examples.TrainClassifier;
import org.mlodyssey.djl.examples.TrainingOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code odyssey train}: trains with automatic checkpoints, resuming where a run stopped. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train an image classifier with automatic checkpoints; --resume auto (the default)"
                    + " continues from the newest valid checkpoint in --checkpoint-dir.",
            "Prints a progress bar per epoch on standard error, then one JSON line on standard"
                    + " output: dataset, model, epochs (completed), steps, train_loss (the final"
                    + " model's mean loss on the training set), test_accuracy, checkpoint (the"
                    + " newest), resumed_from, resumed_at_step, seconds.",
            "Exit status: 0 trained; 1 data or checkpoints could not be read or written; 2 usage"
                    + " error (including a resumed checkpoint trained with other flags)."
        })
public final class TrainCommand implements Callable<Integer> {

    @Spec private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin private DatasetOptions data;

    @Option(
            names = "--model",
            defaultValue = "mlp",
            description = "mlp, lenet or resnet20 (default: ${DEFAULT-VALUE})")
    private ModelKind model;

    @Option(names = "--epochs", defaultValue = "2", description = "default: ${DEFAULT-VALUE}")
    private int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "default: ${DEFAULT-VALUE}")
    private int batchSize;

    @Option(
            names = "--optimizer",
            defaultValue = "adam",
            description = "adam or sgd (momentum 0.9) (default: ${DEFAULT-VALUE})")
    private OptimizerKind optimizer;

    @Option(names = "--lr", description = "learning rate (default: adam 0.001, sgd 0.05)")
    private Float lr;

    @Option(names = "--seed", defaultValue = "42", description = "run seed (default: 42)")
    private long seed;

    @Option(
            names = "--max-steps",
            paramLabel = "N",
            description = "stop once the run has taken N steps in total")
    private Long maxSteps;

    @Option(
            names = "--checkpoint-dir",
            required = true,
            paramLabel = "C",
            description = "the directory of checkpoints")
    private Path checkpointDir;

    @Option(names = "--every-steps", paramLabel = "N", description = "save every N steps")
    private long everySteps;

    @Option(
            names = "--every-epochs",
            paramLabel = "N",
            defaultValue = "1",
            description = "save every N epochs; 0 off (default: ${DEFAULT-VALUE})")
    private int everyEpochs;

    @Option(
            names = "--every-seconds",
            paramLabel = "T",
            description = "save when T seconds have passed since the last save")
    private double everySeconds;

    @Option(
            names = "--keep-last",
            paramLabel = "K",
            description = "keep the K newest checkpoints (default: all)")
    private int keepLast;

    @Option(
            names = "--keep-best",
            paramLabel = "K",
            description = "keep the K best checkpoints by --monitor")
    private int keepBest;

    @Option(
            names = "--monitor",
            paramLabel = "METRIC",
            description =
                    "train_loss, validate_loss, train_accuracy or validate_accuracy (validation"
                            + " is on the test set); also saves at each epoch that improves it")
    private String monitor;

    @Option(
            names = "--resume",
            defaultValue = "auto",
            description =
                    "auto (the newest valid checkpoint in --checkpoint-dir, if any), never, or"
                            + " the path of a checkpoint directory or 'latest' file (default:"
                            + " ${DEFAULT-VALUE})")
    private String resume;

    @Option(
            names = "--compress",
            paramLabel = "zstd[:LEVEL]",
            description =
                    "compress the checkpoints' tensor files losslessly (format version 2; LEVEL"
                            + " 1-22, default 3); off by default")
    private String compress;

    private Compression compression() {
        if (compress == null) {
            return Compression.none();
        }
        try {
            return Compression.parse(compress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--compress: " + e.getMessage());
        }
    }

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        TrainingOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        TrainClassifier.Result result;
        try {
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
            result = TrainClassifier.train(options, List.of(bar));
        } catch (ResumeConflictException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        out.println(result.toJson());
        out.flush();
        return 0;
    }

    /**
     * Parses the arguments of {@code odyssey train} into options.
     *
     * @param args the arguments after {@code train}
     * @return the checked options
     * @throws ParameterException if an argument is invalid
     */
    public static TrainingOptions parse(String... args) {
        TrainCommand command = new TrainCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.parseArgs(args);
        return command.options();
    }

    private TrainingOptions options() {
        try {
            TrainingOptions.Builder builder =
                    TrainingOptions.builder()
                            .setDataset(data.dataset)
                            .setCheckpointDirectory(checkpointDir)
                            .optSplit(data.split)
                            .optDataDir(data.dataDir)
                            .optModel(model)
                            .optEpochs(epochs)
                            .optBatchSize(batchSize)
                            .optOptimizer(optimizer)
                            .optSeed(seed)
                            .optEverySteps(everySteps)
                            .optEveryEpochs(everyEpochs)
                            .optEverySeconds(everySeconds)
                            .optKeepLast(keepLast)
                            .optKeepBest(keepBest)
                            .optMonitor(monitor)
                            .optResume(resume)
                            .optCheckRecordCounts(data.checkRecordCounts)
                            .optCompression(compression());
            if (lr != null) {
                builder.optLearningRate(lr);
            }
            if (maxSteps != null) {
                builder.optMaxSteps(maxSteps);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
