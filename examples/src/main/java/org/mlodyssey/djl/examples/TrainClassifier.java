/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
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
import ai.djl.translate.TranslateException;
import com.google.gson.annotations.JsonAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.Monitor;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.datasets.CompactImageDataset;

/**
 * Trains an image classifier on EMNIST, CIFAR-10 or CIFAR-100 with automatic checkpoints ({@link
 * CheckpointListener} with {@link ResumableTrainingLoop}), resuming from a checkpoint directory;
 * the engine behind {@code odyssey train}, which builds its {@link TrainingOptions} from the flags.
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

    private static final String EVALUATION = "evaluation";

    private TrainClassifier() {}

    /**
     * Trains an MLP on EMNIST balanced for 2 epochs and prints the result's JSON line.
     *
     * @param args the checkpoint directory, optional
     * @throws IOException if data or checkpoints cannot be read or written
     * @throws TranslateException if a batch cannot be processed
     */
    public static void main(String[] args) throws IOException, TranslateException {
        System.out.println(runExample(args).toJson());
    }

    /**
     * Trains an MLP on EMNIST balanced (in DJL's cache, downloaded when missing) for 2 epochs, with
     * a checkpoint every epoch in {@code args[0]} (default {@code runs/classifier}), resuming from
     * the newest one there.
     *
     * @param args the checkpoint directory, optional
     * @return the result
     * @throws IOException if data or checkpoints cannot be read or written
     * @throws TranslateException if a batch cannot be processed
     */
    public static Result runExample(String... args) throws IOException, TranslateException {
        Path dir = Path.of(args.length > 0 ? args[0] : "runs/classifier");
        TrainingOptions options =
                TrainingOptions.builder()
                        .setDataset(DatasetKind.EMNIST)
                        .setCheckpointDirectory(dir)
                        .build();
        return train(options, List.of());
    }

    /**
     * The outcome of a run; its JSON line is {@code odyssey train}'s output.
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
            @JsonAdapter(ResultLine.Millis.class) double seconds) {

        /**
         * Renders the result as one line of JSON ({@link ResultLine}).
         *
         * @return {@code {"dataset":..., "model":..., "epochs":..., "steps":..., "train_loss":...,
         *     "test_accuracy":..., "checkpoint":..., "resumed_from":..., "resumed_at_step":...,
         *     "seconds":...}}
         */
        public String toJson() {
            return ResultLine.toJson(this);
        }
    }

    /**
     * Trains.
     *
     * @param o the options
     * @param listeners more step listeners (a progress bar), called after the checkpoint listener
     * @return the result
     * @throws IOException if data or checkpoints cannot be read or written
     * @throws TranslateException if a batch cannot be processed
     * @throws ResumeConflictException if the options do not fit the checkpoint directory (a resumed
     *     checkpoint trained with another configuration, {@code --resume never} on a directory with
     *     checkpoints, no checkpoint at the {@code --resume} path), naming the flag
     */
    public static Result train(TrainingOptions o, List<? extends RunListener> listeners)
            throws IOException, TranslateException {
        long started = System.nanoTime();
        int classes = o.dataset().numClasses(o.split());
        CompactImageDataset train = dataset(o, Dataset.Usage.TRAIN, true);
        CompactImageDataset test = dataset(o, Dataset.Usage.TEST, false);
        train.prepare();
        test.prepare();
        int batchesPerEpoch = (int) ((train.size() + o.batchSize() - 1) / o.batchSize());

        TrainingProgress end;
        Path resumedFrom;
        TrainingProgress resumedAt;
        float trainLoss;
        float testAccuracy;
        try (CheckpointListener listener = checkpointListener(o, batchesPerEpoch);
                Model model = Model.newInstance(o.model().cliName())) {
            int size = o.dataset().imageSize();
            model.setBlock(o.model().build(o.dataset().channels(), size, classes));
            DefaultTrainingConfig trainingConfig =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(o.optimizer().build(o.learningRate()))
                            .addEvaluator(new Accuracy())
                            .addTrainingListeners(new EvaluatorTrainingListener(), listener);
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(new Shape(1, o.dataset().channels(), size, size));
                resumedAt = ResumePolicy.resume(listener, trainer);
                resumedFrom = listener.getResumedFrom().orElse(null);
                ResumableTrainingLoop.Builder loop =
                        ResumableTrainingLoop.builder()
                                .addStepListener(listener)
                                .optBeforeEpoch(train::setEpoch)
                                .optStopAfterStep(o.maxSteps());
                for (RunListener l : listeners) {
                    l.beforeRun(o.epochs(), batchesPerEpoch);
                    loop.addStepListener(l);
                }
                end = loop.build().fit(trainer, o.epochs(), train, test, resumedAt);
                for (RunListener l : listeners) {
                    l.afterRun(end);
                }
                trainLoss = evaluate(trainer, train, o.batchSize()).loss();
                testAccuracy = evaluate(trainer, test, o.batchSize()).accuracy();
            }
        }
        Path latest;
        try (CheckpointDirectory checkpoints = CheckpointLocations.open(o.checkpointDirectory())) {
            latest = checkpoints.readLatest().orElse(null);
        }
        return new Result(
                o.dataset().cliName(),
                o.model().cliName(),
                end.epoch(),
                end.globalStep(),
                trainLoss,
                testAccuracy,
                latest,
                resumedFrom,
                resumedFrom == null ? 0L : resumedAt.globalStep(),
                (System.nanoTime() - started) / 1e9);
    }

    private static CompactImageDataset dataset(
            TrainingOptions o, Dataset.Usage usage, boolean shuffle) {
        return o.dataset()
                .build(
                        o.split(),
                        usage,
                        o.dataDir(),
                        o.batchSize(),
                        shuffle,
                        true,
                        Long.MAX_VALUE,
                        o.checkRecordCounts());
    }

    private static CheckpointListener checkpointListener(TrainingOptions o, int batchesPerEpoch)
            throws IOException {
        CheckpointListener.Builder lb =
                CheckpointLocations.listener(o.checkpointDirectory())
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
        Monitor m = o.monitor();
        if (m != null) {
            lb.optMonitor(m.metric(), m.mode(), m.onValidation());
            lb.optKeepBest(o.keepBest());
        }
        Path resumeFrom = ResumePolicy.source(o);
        if (resumeFrom != null) {
            lb.optResumeFrom(resumeFrom);
        } else if (CheckpointStores.isRemote(o.resume())) {
            lb.optResumeFrom(o.resume()); // a checkpoint or prefix in a bucket
        }
        configuration(o).forEach(lb::addConfiguration);
        lb.addMetadata(META_BATCHES_PER_EPOCH, Integer.toString(batchesPerEpoch));
        return lb.build();
    }

    /** The flags a resumed run must share with the checkpoint, by metadata key. */
    private static Map<String, String> configuration(TrainingOptions o) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(META_PREFIX + "dataset", o.dataset().cliName());
        config.put(META_PREFIX + "split", o.split() == null ? "" : o.split());
        config.put(META_PREFIX + "model", o.model().cliName());
        config.put(META_PREFIX + "batch-size", Integer.toString(o.batchSize()));
        config.put(META_PREFIX + "optimizer", o.optimizer().cliName());
        config.put(META_PREFIX + "lr", Float.toString(o.learningRate()));
        config.put(META_PREFIX + "seed", Long.toString(o.seed()));
        return config;
    }

    /**
     * A model's figures on a whole dataset.
     *
     * @param loss the mean loss per example
     * @param accuracy the accuracy
     */
    private record Evaluation(float loss, float accuracy) {}

    /**
     * Evaluates the model on a whole dataset, in order, without training: the loss weighted by
     * batch size (DJL's loss accumulator would average the batch means, giving a smaller last batch
     * the weight of a full one), the accuracy by DJL's {@link Accuracy}.
     */
    private static Evaluation evaluate(Trainer trainer, CompactImageDataset dataset, int batchSize)
            throws IOException, TranslateException {
        double lossSum = 0;
        long count = 0;
        Accuracy accuracy = new Accuracy();
        accuracy.addAccumulator(EVALUATION);
        BatchSampler inOrder = new BatchSampler(new SequenceSampler(), batchSize, false);
        for (Batch batch : dataset.getData(trainer.getManager(), inOrder)) {
            try (Batch b = batch) {
                NDList predictions = trainer.evaluate(b.getData());
                long n = b.getLabels().singletonOrThrow().size();
                lossSum += trainer.getLoss().evaluate(b.getLabels(), predictions).getFloat() * n;
                accuracy.updateAccumulator(EVALUATION, b.getLabels(), predictions);
                count += n;
            }
        }
        return new Evaluation((float) (lossSum / count), accuracy.getAccumulator(EVALUATION));
    }
}
