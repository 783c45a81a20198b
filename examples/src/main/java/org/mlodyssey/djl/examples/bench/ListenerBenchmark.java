/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.SavedCheckpoint;
import org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/**
 * Measures, in one run and side by side, how long the training thread is held per checkpoint by a
 * {@link CheckpointListener} writing synchronously and one writing asynchronously, on a model of
 * two dense layers trained with Adam (the checkpoint holds parameters and both Adam moments, three
 * times the parameter size).
 *
 * <p>Both runs train the same steps and save every {@code every} steps; the asynchronous figure is
 * the time to wait for the previous write (zero when training between saves outlasts a write) plus
 * the time to take the host-memory snapshot.
 */
public final class ListenerBenchmark {

    private static final int BATCH = 8;
    private static final int BATCHES_PER_EPOCH = 10;

    private ListenerBenchmark() {}

    /** The blocking times of one run, per checkpoint in order. */
    public record Result(List<SavedCheckpoint> sync, List<SavedCheckpoint> async) {}

    /**
     * Runs the benchmark and prints the table. (The listener's cost per step when no save is due is
     * a JMH benchmark: {@code ListenerStepBenchmark} in the benchmarks module.)
     *
     * @param args {@code [parameterMiB [saves [every [directory]]]]}, default 128 MiB of float32
     *     parameters, 5 checkpoints per mode, one every 10 steps, a temporary directory
     * @throws Exception if a checkpoint cannot be written or a batch cannot be processed
     */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int saves = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        ScratchDirectory.run(
                args,
                3,
                "odyssey-listener-bench",
                dir -> runBenchmark(mib, saves, every, dir, System.out));
    }

    /**
     * Runs both modes and prints the blocking times side by side.
     *
     * @param mib the parameter size in MiB (float32), at least 1
     * @param saves checkpoints per mode
     * @param every steps between checkpoints
     * @param dir where the checkpoints are written (two subdirectories, at most two checkpoints
     *     each)
     * @param out where the table is printed
     * @return the saved checkpoints of each mode
     * @throws IOException if a checkpoint cannot be written
     * @throws TranslateException if a batch cannot be processed
     */
    public static Result runBenchmark(int mib, int saves, int every, Path dir, PrintStream out)
            throws IOException, TranslateException {
        int width = (int) Math.sqrt((double) mib * (1 << 20) / 4 / 2);
        out.printf(
                Locale.ROOT,
                "Model: 2 x Linear %d->%d, %.1f MiB of parameters; Adam; a checkpoint holds"
                        + " %.1f MiB of tensors. %d checkpoints per mode, one every %d steps.%n",
                width,
                width,
                2.0 * width * (width + 1) * 4 / 1048576,
                3 * 2.0 * width * (width + 1) * 4 / 1048576,
                saves,
                every);
        List<SavedCheckpoint> sync = run(width, saves, every, false, dir.resolve("sync"));
        List<SavedCheckpoint> async = run(width, saves, every, true, dir.resolve("async"));
        out.printf(
                Locale.ROOT,
                "%-10s %20s %24s %22s %20s%n",
                "checkpoint",
                "sync: blocked ms",
                "async: blocked ms",
                "(of which waiting ms)",
                "async: commit ms");
        for (int i = 0; i < saves; i++) {
            out.printf(
                    Locale.ROOT,
                    "%-10d %20.1f %24.1f %22.1f %20.1f%n",
                    i + 1,
                    ms(sync.get(i).blockedNanos()),
                    ms(async.get(i).blockedNanos()),
                    ms(async.get(i).waitedNanos()),
                    ms(async.get(i).commitNanos()));
        }
        double syncMedian = median(sync);
        double asyncMedian = median(async);
        out.printf(
                Locale.ROOT,
                "median, checkpoints 2..%d: sync %.1f ms, async %.1f ms blocked = %.1f%% of the"
                        + " synchronous save (bytes per checkpoint: %d)%n",
                saves,
                syncMedian,
                asyncMedian,
                100 * asyncMedian / syncMedian,
                async.get(0).bytes());
        out.printf(
                Locale.ROOT,
                "excluded from the medians: checkpoint 1, whose snapshot allocates the host"
                        + " memory pool (async %.1f ms blocked = %.1f%% of the synchronous"
                        + " median)%n",
                ms(async.get(0).blockedNanos()),
                100 * ms(async.get(0).blockedNanos()) / syncMedian);
        return new Result(sync, async);
    }

    private static List<SavedCheckpoint> run(
            int width, int saves, int every, boolean async, Path root)
            throws IOException, TranslateException {
        List<SavedCheckpoint> saved = new CopyOnWriteArrayList<>();
        try (NDManager data = NDManager.newBaseManager();
                Model model = Model.newInstance("listener-bench")) {
            int samples = BATCH * BATCHES_PER_EPOCH;
            ArrayDataset dataset =
                    new ArrayDataset.Builder()
                            .setData(data.randomNormal(new Shape(samples, width)))
                            .optLabels(data.randomNormal(new Shape(samples, width)))
                            .setSampling(BATCH, true)
                            .build();
            model.setBlock(
                    new SequentialBlock()
                            .add(Linear.builder().setUnits(width).build())
                            .add(Linear.builder().setUnits(width).build()));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.l2Loss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(Tracker.fixed(1e-4f))
                                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, width));
                // Warm up: the first steps allocate the optimizer state.
                TrainingProgress start =
                        ResumableTrainingLoop.builder()
                                .optStopAfterStep(2)
                                .build()
                                .fit(trainer, 1, dataset, null, TrainingProgress.start(1));
                try (CheckpointListener listener =
                        CheckpointListener.builder()
                                .setDirectory(root)
                                .optEveryEpochs(0)
                                .optEverySteps(every)
                                .optAtEnd(false)
                                .optKeepLast(2)
                                .optAsync(async)
                                .optOnSaved(saved::add)
                                .build()) {
                    long steps = 2 + (long) saves * every;
                    int epochs = (int) ((steps + BATCHES_PER_EPOCH - 1) / BATCHES_PER_EPOCH);
                    ResumableTrainingLoop.builder()
                            .addStepListener(listener)
                            .optStopAfterStep(steps)
                            .build()
                            .fit(trainer, epochs, dataset, null, start);
                }
            }
        }
        if (saved.size() != saves) {
            throw new IllegalStateException(
                    "Expected " + saves + " checkpoints, the listener saved " + saved.size());
        }
        return saved;
    }

    private static double median(List<SavedCheckpoint> saved) {
        List<Double> values = new ArrayList<>();
        for (SavedCheckpoint s : saved.subList(Math.min(1, saved.size() - 1), saved.size())) {
            values.add(ms(s.blockedNanos()));
        }
        Collections.sort(values);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
