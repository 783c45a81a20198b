/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.nio.file.Path;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.listener.Monitor;

/**
 * What {@link TrainClassifier} trains and how it checkpoints; build it with {@link #builder()},
 * whose {@code setXxx} are required and {@code optXxx} optional, as DJL's builders. The error of an
 * invalid value names the {@code odyssey train} flag that sets it.
 *
 * @param dataset the dataset
 * @param split the split in canonical form ({@link DatasetKind#checkSplit}), or null for a dataset
 *     without splits
 * @param dataDir the data directory, or null for the dataset's default
 * @param model the model
 * @param epochs the total epochs of the run
 * @param batchSize the batch size
 * @param optimizer the optimizer
 * @param learningRate the fixed learning rate
 * @param seed the run seed (initialization, shuffling, every random draw)
 * @param maxSteps stop once the run has taken this many steps in total; {@code Long.MAX_VALUE} for
 *     no limit
 * @param checkpointDirectory the directory of checkpoints
 * @param everySteps save every this many steps; 0 off
 * @param everyEpochs save every this many epochs; 0 off
 * @param everySeconds save when this much time has passed since the last save; 0 off
 * @param keepLast keep the newest this many checkpoints; 0 keeps all
 * @param keepBest keep the best this many by the monitored metric; 0 off
 * @param monitor the monitored metric, or null
 * @param resume {@code auto}, {@code never}, or the path of a checkpoint directory or {@code
 *     latest} file
 * @param saveAtEnd whether to save when training ends (a crash does not)
 * @param checkRecordCounts CIFAR: whether batch files must hold the official number of records
 * @param compression how checkpoints' tensor files are compressed
 */
public record TrainingOptions(
        DatasetKind dataset,
        String split,
        Path dataDir,
        ModelKind model,
        int epochs,
        int batchSize,
        OptimizerKind optimizer,
        float learningRate,
        long seed,
        long maxSteps,
        Path checkpointDirectory,
        long everySteps,
        int everyEpochs,
        double everySeconds,
        int keepLast,
        int keepBest,
        Monitor monitor,
        String resume,
        boolean saveAtEnd,
        boolean checkRecordCounts,
        Compression compression) {

    /**
     * Checks every value; the split is put in canonical form.
     *
     * @throws IllegalArgumentException if a value is invalid, naming the flag that sets it
     * @throws NullPointerException if the dataset, model, optimizer, checkpoint directory, resume
     *     mode or compression is null
     */
    public TrainingOptions {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(checkpointDirectory, "checkpointDirectory");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(compression, "compression");
        split = TrainingOptionsChecks.split(dataset, split);
        TrainingOptionsChecks.positive("--epochs", epochs);
        TrainingOptionsChecks.positive("--batch-size", batchSize);
        TrainingOptionsChecks.positive("--max-steps", maxSteps);
        TrainingOptionsChecks.learningRate(learningRate);
        TrainingOptionsChecks.notNegative("--every-steps", everySteps);
        TrainingOptionsChecks.notNegative("--every-epochs", everyEpochs);
        TrainingOptionsChecks.everySeconds(everySeconds);
        TrainingOptionsChecks.notNegative("--keep-last", keepLast);
        TrainingOptionsChecks.notNegative("--keep-best", keepBest);
        TrainingOptionsChecks.keepBest(keepBest, monitor);
        TrainingOptionsChecks.resume(resume);
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these options, to build the options of another run of the same
     * training (another checkpoint directory, resume mode, step limit).
     *
     * @return a new builder with these values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataset = dataset;
        b.split = split;
        b.dataDir = dataDir;
        b.model = model;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.seed = seed;
        b.maxSteps = maxSteps;
        b.checkpointDirectory = checkpointDirectory;
        b.everySteps = everySteps;
        b.everyEpochs = everyEpochs;
        b.everySeconds = everySeconds;
        b.keepLast = keepLast;
        b.keepBest = keepBest;
        b.monitor = monitor;
        b.resume = resume;
        b.saveAtEnd = saveAtEnd;
        b.checkRecordCounts = checkRecordCounts;
        b.compression = compression;
        return b;
    }

    /**
     * Parses a monitored metric name.
     *
     * @param metric {@code train_loss}, {@code validate_loss}, {@code train_accuracy} or {@code
     *     validate_accuracy} (any case)
     * @return the monitor: loss is minimised, accuracy maximised
     * @throws IllegalArgumentException naming the valid names
     */
    public static Monitor parseMonitor(String metric) {
        return MonitorNames.parse(metric);
    }

    /** Builds {@link TrainingOptions}; the defaults are those of {@code odyssey train}. */
    public static final class Builder {

        private DatasetKind dataset;
        private String split;
        private Path dataDir;
        private ModelKind model = ModelKind.MLP;
        private int epochs = 2;
        private int batchSize = 64;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private Float learningRate;
        private long seed = 42;
        private long maxSteps = Long.MAX_VALUE;
        private Path checkpointDirectory;
        private long everySteps;
        private int everyEpochs = 1;
        private double everySeconds;
        private int keepLast;
        private int keepBest;
        private Monitor monitor;
        private String resume = "auto";
        private boolean saveAtEnd = true;
        private boolean checkRecordCounts = true;
        private Compression compression = Compression.none();

        Builder() {}

        /**
         * Sets the dataset.
         *
         * @param dataset the dataset
         * @return this builder
         */
        public Builder setDataset(DatasetKind dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            return this;
        }

        /**
         * Sets the directory of checkpoints.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder setCheckpointDirectory(Path directory) {
            this.checkpointDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the split (checked by {@link DatasetKind#checkSplit}).
         *
         * @param split the split, or null for the dataset's default
         * @return this builder
         */
        public Builder optSplit(String split) {
            this.split = split;
            return this;
        }

        /**
         * Sets the data directory.
         *
         * @param dataDir the directory, or null for the dataset's default
         * @return this builder
         */
        public Builder optDataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Sets the model; {@link ModelKind#MLP} by default.
         *
         * @param model the model
         * @return this builder
         */
        public Builder optModel(ModelKind model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Sets the total epochs of the run; 2 by default.
         *
         * @param epochs the epochs, at least 1
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size; 64 by default.
         *
         * @param batchSize the batch size, at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the optimizer; {@link OptimizerKind#ADAM} by default.
         *
         * @param optimizer the optimizer
         * @return this builder
         */
        public Builder optOptimizer(OptimizerKind optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /**
         * Sets the fixed learning rate; the optimizer's default if not set.
         *
         * @param learningRate the learning rate, positive
         * @return this builder
         */
        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the run seed; 42 by default.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Stops the run once it has taken this many steps in total; no limit by default.
         *
         * @param maxSteps the limit, at least 1
         * @return this builder
         */
        public Builder optMaxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /**
         * Saves every this many steps; off by default.
         *
         * @param everySteps the steps; 0 off
         * @return this builder
         */
        public Builder optEverySteps(long everySteps) {
            this.everySteps = everySteps;
            return this;
        }

        /**
         * Saves every this many epochs; 1 by default.
         *
         * @param everyEpochs the epochs; 0 off
         * @return this builder
         */
        public Builder optEveryEpochs(int everyEpochs) {
            this.everyEpochs = everyEpochs;
            return this;
        }

        /**
         * Saves when this much time has passed since the last save; off by default.
         *
         * @param everySeconds the seconds; 0 off
         * @return this builder
         */
        public Builder optEverySeconds(double everySeconds) {
            this.everySeconds = everySeconds;
            return this;
        }

        /**
         * Keeps the newest this many checkpoints; all by default.
         *
         * @param keepLast the count; 0 keeps all
         * @return this builder
         */
        public Builder optKeepLast(int keepLast) {
            this.keepLast = keepLast;
            return this;
        }

        /**
         * Keeps the best this many checkpoints by the monitored metric; needs {@link #optMonitor}.
         *
         * @param keepBest the count; 0 off
         * @return this builder
         */
        public Builder optKeepBest(int keepBest) {
            this.keepBest = keepBest;
            return this;
        }

        /**
         * Monitors a metric, saving at each epoch that improves it ({@link #parseMonitor}).
         *
         * @param metric {@code train_loss}, {@code validate_loss}, {@code train_accuracy} or {@code
         *     validate_accuracy}, or null for none
         * @return this builder
         * @throws IllegalArgumentException naming {@code --monitor} and the valid names
         */
        public Builder optMonitor(String metric) {
            this.monitor = TrainingOptionsChecks.monitor(metric);
            return this;
        }

        /**
         * Sets where the run resumes from; {@code auto} by default.
         *
         * @param resume {@code auto} (the newest valid checkpoint of the directory, if any), {@code
         *     never}, or the path of a checkpoint directory or {@code latest} file
         * @return this builder
         */
        public Builder optResume(String resume) {
            this.resume = Objects.requireNonNull(resume, "resume");
            return this;
        }

        /**
         * Sets whether the run saves when training ends; true by default.
         *
         * @param saveAtEnd whether to save at the end
         * @return this builder
         */
        public Builder optSaveAtEnd(boolean saveAtEnd) {
            this.saveAtEnd = saveAtEnd;
            return this;
        }

        /**
         * Sets whether CIFAR batch files must hold the official number of records; true by default.
         *
         * @param checkRecordCounts whether to check the record counts
         * @return this builder
         */
        public Builder optCheckRecordCounts(boolean checkRecordCounts) {
            this.checkRecordCounts = checkRecordCounts;
            return this;
        }

        /**
         * Sets how the checkpoints' tensor files are compressed; {@link Compression#none()} by
         * default.
         *
         * @param compression the compression
         * @return this builder
         */
        public Builder optCompression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if a value is invalid, naming the flag that sets it
         * @throws NullPointerException if the dataset or the checkpoint directory is not set
         */
        public TrainingOptions build() {
            Objects.requireNonNull(dataset, "setDataset is required");
            Objects.requireNonNull(checkpointDirectory, "setCheckpointDirectory is required");
            return new TrainingOptions(
                    dataset,
                    split,
                    dataDir,
                    model,
                    epochs,
                    batchSize,
                    optimizer,
                    learningRate != null ? learningRate : optimizer.defaultLearningRate(),
                    seed,
                    maxSteps,
                    checkpointDirectory,
                    everySteps,
                    everyEpochs,
                    everySeconds,
                    keepLast,
                    keepBest,
                    monitor,
                    resume,
                    saveAtEnd,
                    checkRecordCounts,
                    compression);
        }
    }
}
