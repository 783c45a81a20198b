/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.Monitor;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.ConfigurationMismatchException;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop;
import org.mlodyssey.djl.checkpoint.training.StepListener;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.datasets.CompactImageDataset;
import org.mlodyssey.djl.examples.cli.OdysseyCommand;

/**
 * Trains an image classifier on EMNIST, CIFAR-10 or CIFAR-100 with automatic checkpoints ({@link
 * CheckpointListener} with {@link ResumableTrainingLoop}), resuming from a checkpoint directory;
 * the engine behind {@code odyssey train}.
 *
 * <p>Every checkpoint records the run's configuration ({@value #META_PREFIX}{@code *} metadata),
 * the batches per epoch and the steps at which the run was resumed, which {@link TrainingCurves}
 * marks.
 */
public final class TrainClassifier {

    /** Prefix of the manifest metadata this example records. */
    public static final String META_PREFIX = "odyssey.";

    /**
     * Metadata key: the steps at which the run was resumed, comma-separated, oldest first (the
     * checkpoint listener's).
     */
    public static final String META_RESUMED_AT = CheckpointListener.META_RESUMED_AT;

    /** Metadata key: training batches per epoch. */
    public static final String META_BATCHES_PER_EPOCH = "odyssey.batchesPerEpoch";

    private TrainClassifier() {}

    /**
     * Runs {@code odyssey train} with these arguments and exits with its status.
     *
     * @param args the arguments of {@code odyssey train}
     */
    public static void main(String[] args) {
        System.exit(OdysseyCommand.executeSubcommand("train", args));
    }

    /**
     * Parses the arguments of {@code odyssey train} and trains.
     *
     * @param args the arguments, as on the command line after {@code train}
     * @return the result
     * @throws Exception if the arguments are invalid or training fails
     */
    public static Result runExample(String... args) throws Exception {
        return run(
                org.mlodyssey.djl.examples.cli.TrainCommand.parse(args),
                new PrintWriter(System.err, true),
                List.of());
    }

    /**
     * What to train and how to checkpoint.
     *
     * @param dataset the dataset
     * @param split its split (checked by {@link DatasetKind#checkSplit}), or null for none
     * @param dataDir the data directory, or null for the dataset's default
     * @param model the model
     * @param epochs the total epochs of the run
     * @param batchSize the batch size
     * @param optimizer {@code adam} or {@code sgd}
     * @param learningRate the fixed learning rate
     * @param seed the run seed (initialization, shuffling, every random draw)
     * @param maxSteps stop once the run has taken this many steps in total; {@code Long.MAX_VALUE}
     *     for no limit
     * @param checkpointDir the directory of checkpoints
     * @param everySteps save every this many steps; 0 off
     * @param everyEpochs save every this many epochs; 0 off
     * @param everySeconds save when this much time has passed since the last save; 0 off
     * @param keepLast keep the newest this many checkpoints; 0 keeps all
     * @param keepBest keep the best this many by the monitored metric; 0 off
     * @param monitor the monitored metric ({@code validate_accuracy}, ...), or null
     * @param resume {@code auto}, {@code never}, or the path of a checkpoint directory or {@code
     *     latest} file
     * @param saveAtEnd whether to save when training ends (a crash does not)
     * @param checkRecordCounts CIFAR: whether batch files must hold the official number of records
     * @param compression how checkpoints' tensor files are compressed ({@link Compression#none()}
     *     by default)
     */
    public record Options(
            DatasetKind dataset,
            String split,
            Path dataDir,
            ModelKind model,
            int epochs,
            int batchSize,
            String optimizer,
            float learningRate,
            long seed,
            long maxSteps,
            Path checkpointDir,
            long everySteps,
            int everyEpochs,
            double everySeconds,
            int keepLast,
            int keepBest,
            String monitor,
            String resume,
            boolean saveAtEnd,
            boolean checkRecordCounts,
            Compression compression) {

        /** Checks the fields that have no natural type-level constraint. */
        public Options {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(checkpointDir, "checkpointDir");
            Objects.requireNonNull(resume, "resume");
            Objects.requireNonNull(compression, "compression");
        }

        /**
         * Returns these options for another run of the same training: another checkpoint directory,
         * resume mode, step limit and end-of-run save.
         *
         * @param dir the checkpoint directory
         * @param resumeMode the resume mode
         * @param steps the step limit
         * @param atEnd whether to save at the end
         * @return the new options
         */
        public Options forRun(Path dir, String resumeMode, long steps, boolean atEnd) {
            return new Options(
                    dataset,
                    split,
                    dataDir,
                    model,
                    epochs,
                    batchSize,
                    optimizer,
                    learningRate,
                    seed,
                    steps,
                    dir,
                    everySteps,
                    everyEpochs,
                    everySeconds,
                    keepLast,
                    keepBest,
                    monitor,
                    resumeMode,
                    atEnd,
                    checkRecordCounts,
                    compression);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param dataset the dataset's name
     * @param model the model's name
     * @param epochs the epochs completed
     * @param steps the training steps taken in total, across resumes
     * @param trainLoss the final model's mean loss over the training set
     * @param testAccuracy the final model's accuracy on the test set
     * @param checkpoint the newest checkpoint in the checkpoint directory, or null
     * @param resumedFrom the checkpoint this run resumed from, or null for a new run
     * @param resumedAtStep the step it resumed at, or 0
     * @param seconds the wall time of this invocation
     */
    public record Result(
            String dataset,
            String model,
            int epochs,
            long steps,
            float trainLoss,
            float testAccuracy,
            Path checkpoint,
            Path resumedFrom,
            long resumedAtStep,
            double seconds) {

        /**
         * Renders the result as one line of JSON.
         *
         * @return {@code {"dataset":..., "epochs":..., "steps":..., "train_loss":...,
         *     "test_accuracy":..., "checkpoint":..., ...}}
         */
        public String toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dataset", dataset);
            json.put("model", model);
            json.put("epochs", epochs);
            json.put("steps", steps);
            json.put("train_loss", trainLoss);
            json.put("test_accuracy", testAccuracy);
            json.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
            json.put("resumed_from", resumedFrom == null ? null : resumedFrom.toString());
            json.put("resumed_at_step", resumedAtStep);
            json.put("seconds", Math.round(seconds * 1000) / 1000.0);
            return jsonLine(json);
        }
    }

    /**
     * Writes the one JSON line a command ends with: nulls kept, no HTML escaping.
     *
     * @param fields the fields, in order
     * @return the JSON object on one line
     */
    static String jsonLine(Map<String, Object> fields) {
        return new GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(fields);
    }

    /**
     * Trains.
     *
     * @param o the options
     * @param progressOut where the progress bars go (the standard error stream on the command line)
     * @param extraListeners more step listeners, called after the checkpoint listener
     * @return the result
     * @throws IOException if data or checkpoints cannot be read or written
     * @throws TranslateException if a batch cannot be processed
     * @throws ResumeConflictException if the flags do not fit the checkpoint directory (a resumed
     *     checkpoint trained with another configuration, {@code --resume never} on a directory with
     *     checkpoints, no checkpoint at the {@code --resume} path), naming the flag
     */
    public static Result run(Options o, PrintWriter progressOut, List<StepListener> extraListeners)
            throws IOException, TranslateException {
        long started = System.nanoTime();
        String split = o.dataset().checkSplit(o.split());
        int classes = o.dataset().numClasses(split);
        CompactImageDataset train = dataset(o, split, Dataset.Usage.TRAIN, true);
        CompactImageDataset test = dataset(o, split, Dataset.Usage.TEST, false);
        train.prepare();
        test.prepare();
        int batchesPerEpoch = (int) ((train.size() + o.batchSize() - 1) / o.batchSize());

        Map<String, String> config = configuration(o, split);
        Path resumeFrom = resumeSource(o);

        CheckpointListener.Builder lb =
                CheckpointLocations.listener(o.checkpointDir())
                        .optEveryEpochs(o.everyEpochs())
                        .optEverySteps(o.everySteps())
                        .optEverySeconds(o.everySeconds())
                        .optAtEnd(o.saveAtEnd())
                        .optSeed(o.seed());
        if (o.keepLast() > 0) {
            lb.optKeepLast(o.keepLast());
        }
        if (o.compression().enabled()) {
            lb.optWriteOptions(WriteOptions.builder().optCompression(o.compression()).build());
        }
        if (o.monitor() != null) {
            Monitor m = parseMonitor(o.monitor());
            lb.optMonitor(m.metric(), m.mode(), m.onValidation());
            lb.optKeepBest(o.keepBest());
        }
        if (resumeFrom != null) {
            lb.optResumeFrom(resumeFrom);
        } else if (CheckpointStores.isRemote(o.resume())) {
            lb.optResumeFrom(o.resume()); // a checkpoint or prefix in a bucket
        }
        config.forEach(lb::addConfiguration);
        lb.addMetadata(META_BATCHES_PER_EPOCH, Integer.toString(batchesPerEpoch));

        TrainingProgress end;
        Path resumedFrom;
        TrainingProgress resumedAt = null;
        float[] trainEval;
        float[] testEval;
        try (CheckpointListener listener = lb.build();
                Model model = Model.newInstance(o.model().cliName())) {
            model.setBlock(
                    o.model().build(o.dataset().channels(), o.dataset().imageSize(), classes));
            DefaultTrainingConfig trainingConfig =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(optimizer(o))
                            .addEvaluator(new Accuracy())
                            .addTrainingListeners(new EvaluatorTrainingListener(), listener);
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                int size = o.dataset().imageSize();
                trainer.initialize(new Shape(1, o.dataset().channels(), size, size));
                TrainingProgress start = resume(listener, trainer);
                resumedFrom = listener.getResumedFrom().orElse(null);
                resumedAt = start;
                ProgressBar bar = new ProgressBar(progressOut, o.epochs(), batchesPerEpoch);
                ResumableTrainingLoop.Builder loop =
                        ResumableTrainingLoop.builder()
                                .addStepListener(listener)
                                .addStepListener(bar)
                                .optBeforeEpoch(train::setEpoch)
                                .optStopAfterStep(o.maxSteps());
                extraListeners.forEach(loop::addStepListener);
                end = loop.build().fit(trainer, o.epochs(), train, test, start);
                bar.finish(end);
                trainEval = evaluate(trainer, train, o.batchSize());
                testEval = evaluate(trainer, test, o.batchSize());
            }
        }
        Path latest;
        try (CheckpointDirectory checkpoints = CheckpointLocations.open(o.checkpointDir())) {
            latest = checkpoints.readLatest().orElse(null);
        }
        return new Result(
                o.dataset().cliName(),
                o.model().cliName(),
                end.epoch(),
                end.globalStep(),
                trainEval[0],
                testEval[1],
                latest,
                resumedFrom,
                resumedFrom == null ? 0L : resumedAt.globalStep(),
                (System.nanoTime() - started) / 1e9);
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
        String m = metric.toLowerCase(Locale.ROOT);
        boolean validation = m.startsWith("validate_");
        String name = m.substring(m.indexOf('_') + 1);
        if ((validation || m.startsWith("train_")) && name.equals("loss")) {
            return new Monitor("loss", Monitor.Mode.MIN, validation);
        }
        if ((validation || m.startsWith("train_")) && name.equals("accuracy")) {
            return new Monitor("Accuracy", Monitor.Mode.MAX, validation);
        }
        throw new IllegalArgumentException(
                "Unknown metric '"
                        + metric
                        + "'; valid: train_loss, validate_loss, train_accuracy,"
                        + " validate_accuracy");
    }

    private static CompactImageDataset dataset(
            Options o, String split, Dataset.Usage usage, boolean shuffle) {
        return o.dataset()
                .build(
                        split,
                        usage,
                        o.dataDir(),
                        o.batchSize(),
                        shuffle,
                        true,
                        Long.MAX_VALUE,
                        o.checkRecordCounts());
    }

    /** The flags a resumed run must share with the checkpoint, by metadata key. */
    private static Map<String, String> configuration(Options o, String split) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(META_PREFIX + "dataset", o.dataset().cliName());
        config.put(META_PREFIX + "split", split == null ? "" : split);
        config.put(META_PREFIX + "model", o.model().cliName());
        config.put(META_PREFIX + "batch-size", Integer.toString(o.batchSize()));
        config.put(META_PREFIX + "optimizer", o.optimizer());
        config.put(META_PREFIX + "lr", Float.toString(o.learningRate()));
        config.put(META_PREFIX + "seed", Long.toString(o.seed()));
        return config;
    }

    /**
     * Checks {@code --resume} against the checkpoint directory and returns the source to resume
     * from: null for the listener's own directory (auto, and never on an empty directory).
     */
    private static Path resumeSource(Options o) throws IOException {
        switch (o.resume()) {
            case "never":
                Optional<TrainingCheckpoint> existing;
                try (CheckpointDirectory checkpoints =
                        CheckpointLocations.open(o.checkpointDir())) {
                    existing = checkpoints.findLatestValid();
                }
                if (existing.isPresent()) {
                    throw new ResumeConflictException(
                            "--resume never, but --checkpoint-dir "
                                    + o.checkpointDir()
                                    + " already holds checkpoints (newest "
                                    + existing.get().getDirectory().getFileName()
                                    + "); use an empty --checkpoint-dir, or --resume auto");
                }
                return null;
            case "auto":
                return null;
            default:
                if (CheckpointStores.isRemote(o.resume())) {
                    return null; // checked when the listener resumes
                }
                Path given = Path.of(o.resume());
                boolean pointer =
                        Files.isRegularFile(given)
                                && given.getFileName().toString().equals(LatestPointer.FILE_NAME);
                if (!pointer && !Files.isDirectory(given)) {
                    throw new ResumeConflictException(
                            "--resume "
                                    + o.resume()
                                    + ": no such checkpoint directory (expected auto, never, a"
                                    + " checkpoint directory or a 'latest' file)");
                }
                return given;
        }
    }

    /**
     * Resumes through the listener (the library's one resume path); a checkpoint of another
     * configuration is a usage error naming the flag.
     */
    private static TrainingProgress resume(CheckpointListener listener, Trainer trainer)
            throws IOException {
        try {
            return listener.resume(trainer);
        } catch (ConfigurationMismatchException e) {
            String flag = "--" + e.getKey().substring(META_PREFIX.length());
            throw new ResumeConflictException(
                    flag
                            + " "
                            + e.getValue()
                            + " differs from "
                            + flag
                            + " "
                            + e.getSavedValue()
                            + " of the checkpoint "
                            + e.getCheckpoint()
                            + "; resume with the same "
                            + flag
                            + ", or start a new run in another --checkpoint-dir");
        }
    }

    private static Optimizer optimizer(Options o) {
        Tracker lr = Tracker.fixed(o.learningRate());
        switch (o.optimizer()) {
            case "adam":
                return Optimizer.adam().optLearningRateTracker(lr).build();
            case "sgd":
                return Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).build();
            default:
                throw new IllegalArgumentException(
                        "Unknown optimizer '" + o.optimizer() + "'; valid: adam, sgd");
        }
    }

    /**
     * Evaluates the model on a whole dataset, in order, without training.
     *
     * @return the mean loss and the accuracy
     */
    private static float[] evaluate(Trainer trainer, CompactImageDataset dataset, int batchSize)
            throws IOException, TranslateException {
        double lossSum = 0;
        long correct = 0;
        long count = 0;
        BatchSampler inOrder = new BatchSampler(new SequenceSampler(), batchSize, false);
        for (Batch batch : dataset.getData(trainer.getManager(), inOrder)) {
            try (Batch b = batch) {
                NDList predictions = trainer.evaluate(b.getData());
                NDArray labels = b.getLabels().singletonOrThrow();
                long n = labels.size();
                lossSum += trainer.getLoss().evaluate(b.getLabels(), predictions).getFloat() * n;
                correct +=
                        predictions
                                .singletonOrThrow()
                                .argMax(1)
                                .toType(DataType.FLOAT32, false)
                                .eq(labels)
                                .countNonzero()
                                .getLong();
                count += n;
            }
        }
        return new float[] {(float) (lossSum / count), (float) correct / count};
    }

    /** Prints one progress bar per epoch, updated about 20 times an epoch. */
    private static final class ProgressBar implements StepListener {

        private static final int WIDTH = 30;

        private final PrintWriter out;
        private final int epochs;
        private final int batches;
        private final int every;

        ProgressBar(PrintWriter out, int epochs, int batches) {
            this.out = out;
            this.epochs = epochs;
            this.batches = batches;
            this.every = Math.max(1, batches / 20);
        }

        @Override
        public void afterStep(Trainer trainer, TrainingProgress p) {
            if (p.batchInEpoch() % every == 0 || p.batchInEpoch() == batches) {
                float loss =
                        trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
                draw(p.epoch(), p.batchInEpoch(), String.format(Locale.ROOT, "loss %.4f", loss));
            }
        }

        @Override
        public void afterEpoch(Trainer trainer, TrainingProgress p) {
            Map<String, Float> m = p.epochMetrics().get(p.epochMetrics().size() - 1);
            draw(
                    p.epoch() - 1,
                    batches,
                    String.format(
                            Locale.ROOT,
                            "train_loss %.4f, validate_loss %.4f, validate_accuracy %.4f",
                            m.getOrDefault("train_loss", Float.NaN),
                            m.getOrDefault("validate_loss", Float.NaN),
                            m.getOrDefault("validate_Accuracy", Float.NaN)));
            out.println();
            out.flush();
        }

        void finish(TrainingProgress end) {
            if (end.batchInEpoch() != 0) {
                out.println(" (stopped at step " + end.globalStep() + ")");
                out.flush();
            }
        }

        private void draw(int epoch, int done, String text) {
            int filled = batches == 0 ? WIDTH : (int) ((long) WIDTH * done / batches);
            out.print(
                    String.format(
                            Locale.ROOT,
                            "\repoch %d/%d [%s%s] %d/%d %s",
                            epoch + 1,
                            epochs,
                            "=".repeat(filled),
                            " ".repeat(WIDTH - filled),
                            done,
                            batches,
                            text));
            out.flush();
        }
    }
}
