/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import com.google.gson.annotations.JsonAdapter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;

/**
 * The offline demo of {@code odyssey demo}: writes the demo dataset ({@link DemoEmnistFiles}),
 * trains LeNet on it with automatic checkpoints, crashes the run after step {@value #CRASH_STEP}
 * (no final save), resumes from the newest checkpoint with a new model and trainer, finishes, and
 * compares the final parameters and optimizer state with an uninterrupted run of the same
 * configuration, tensor by tensor and byte for byte.
 *
 * <p>It pins the engine to one intra-op and one inter-op thread (unless set already) before the
 * engine starts, since exactness holds for the same thread settings.
 */
public final class ResumeDemo {

    /** The step after which the interrupted run crashes. */
    public static final long CRASH_STEP = 70;

    /** Checkpoint period of the demo runs, in steps. */
    public static final long EVERY_STEPS = 20;

    private static final int TRAIN_PER_CLASS = 100;
    private static final int TEST_PER_CLASS = 25;
    private static final long DATA_SEED = 2026;

    /** The file that marks a directory as the demo's, so that a rerun may clean it. */
    static final String MARKER = ".odyssey-demo";

    private static final List<String> OWN_FOLDERS = List.of("data", "uninterrupted", "interrupted");

    private ResumeDemo() {}

    /**
     * Runs the demo, prints its result's JSON line and exits with status 0 if the resumed run
     * matched, 1 if not.
     *
     * @param args optionally the directory (default: a new temporary directory)
     * @throws Exception if a file cannot be written or training fails
     */
    public static void main(String[] args) throws Exception {
        Result result = runExample(args);
        System.out.println(result.toJson());
        System.exit(result.matched() ? 0 : 1);
    }

    /**
     * Runs the demo in a directory, telling its steps on the standard error stream.
     *
     * @param args optionally the directory (default: a new temporary directory)
     * @return the result
     * @throws Exception if a file cannot be written or training fails
     */
    public static Result runExample(String... args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("odyssey-demo");
        return run(dir, new PrintWriter(System.err, true), List.of());
    }

    /**
     * The outcome of the demo; its JSON line is {@code odyssey demo}'s output.
     *
     * @param matched whether the resumed run ended bit-identical to the uninterrupted one
     * @param tensorsCompared how many parameter and optimizer tensors were compared
     * @param differing the names of the tensors that differ (empty when matched)
     * @param steps the steps of a whole run
     * @param crashStep the step after which the interrupted run crashed
     * @param resumedAtStep the step of the checkpoint it resumed from
     * @param testAccuracy the uninterrupted run's test accuracy
     * @param resumedTestAccuracy the resumed run's test accuracy
     * @param seconds the demo's wall time
     * @param directory where the data and checkpoints are
     */
    public record Result(
            boolean matched,
            int tensorsCompared,
            List<String> differing,
            long steps,
            long crashStep,
            long resumedAtStep,
            float testAccuracy,
            float resumedTestAccuracy,
            @JsonAdapter(ResultLine.Tenths.class) double seconds,
            Path directory) {

        /**
         * Renders the result as one line of JSON ({@link ResultLine}).
         *
         * @return the JSON line
         */
        public String toJson() {
            return ResultLine.toJson(this);
        }
    }

    /** Thrown by the demo's crash listener to end the interrupted run abruptly. */
    private static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(long step) {
            super("simulated crash after step " + step);
        }
    }

    /**
     * Runs the demo.
     *
     * @param dir the directory for the data and checkpoints (created if needed)
     * @param log where the steps are told
     * @param listeners listeners of each of the three training runs (a progress bar)
     * @return the result
     * @throws Exception if a file cannot be written or training fails
     */
    public static Result run(Path dir, PrintWriter log, List<? extends RunListener> listeners)
            throws Exception {
        long started = System.nanoTime();
        pinEngineThreads();
        prepareDirectory(dir);
        Path data = dir.resolve("data");
        DemoEmnistFiles.Written written =
                DemoEmnistFiles.write(data, TRAIN_PER_CLASS, TEST_PER_CLASS, DATA_SEED);
        log.printf(
                Locale.ROOT,
                "Wrote %d training and %d test images of digits and capitals (EMNIST %s file"
                        + " format) to %s%n",
                written.trainImages(),
                written.testImages(),
                DemoEmnistFiles.SPLIT.getFileName(),
                data);
        TrainingOptions base =
                TrainingOptions.builder()
                        .setDataset(DatasetKind.EMNIST)
                        .optSplit(DemoEmnistFiles.SPLIT.getFileName())
                        .optDataDir(data)
                        .optModel(ModelKind.LENET)
                        .optEpochs(3)
                        .optBatchSize(64)
                        .optOptimizer(OptimizerKind.ADAM)
                        .optLearningRate(0.002f)
                        .optSeed(7)
                        .setCheckpointDirectory(dir.resolve("uninterrupted"))
                        .optEverySteps(EVERY_STEPS)
                        .optEveryEpochs(1)
                        .optKeepLast(3)
                        .optResume("never")
                        .build();

        log.println("1/3 Uninterrupted run (LeNet, 3 epochs, a checkpoint every 20 steps)");
        TrainClassifier.Result whole = TrainClassifier.train(base, listeners);

        log.printf("2/3 Interrupted run: crashes after step %d, no final save%n", CRASH_STEP);
        TrainingOptions.Builder interrupted =
                base.toBuilder()
                        .setCheckpointDirectory(dir.resolve("interrupted"))
                        .optSaveAtEnd(false);
        RunListener crash =
                (trainer, progress) -> {
                    if (progress.globalStep() == CRASH_STEP) {
                        throw new SimulatedCrash(CRASH_STEP);
                    }
                };
        List<RunListener> crashing = new ArrayList<>(listeners);
        crashing.add(crash);
        try {
            TrainClassifier.train(interrupted.build(), crashing);
            throw new IllegalStateException("The interrupted run did not reach step " + CRASH_STEP);
        } catch (SimulatedCrash expected) {
            log.println();
            log.println("   " + expected.getMessage());
        }

        log.println("3/3 Resumed run: a new model and trainer, --resume auto");
        TrainClassifier.Result resumed =
                TrainClassifier.train(
                        interrupted.optResume("auto").optSaveAtEnd(true).build(), listeners);

        List<String> differing = new ArrayList<>();
        int compared = 0;
        for (String file :
                List.of(TrainingCheckpoint.PARAMETERS_FILE, TrainingCheckpoint.OPTIMIZER_FILE)) {
            Comparison c =
                    compareTensors(
                            whole.checkpoint().resolve(file), resumed.checkpoint().resolve(file));
            differing.addAll(c.differing());
            compared += c.compared();
        }
        boolean matched = differing.isEmpty() && whole.steps() == resumed.steps();
        Result result =
                new Result(
                        matched,
                        compared,
                        differing,
                        whole.steps(),
                        CRASH_STEP,
                        resumed.resumedAtStep(),
                        whole.testAccuracy(),
                        resumed.testAccuracy(),
                        (System.nanoTime() - started) / 1e9,
                        dir);
        log.printf(
                Locale.ROOT,
                "%s: the run resumed from step %d after a crash at step %d ended with %s to the"
                        + " uninterrupted run (%d parameter and optimizer tensors compared);"
                        + " test accuracy %.2f%% (uninterrupted %.2f%%), %.1f s%n",
                matched ? "MATCHED" : "MISMATCH",
                result.resumedAtStep(),
                CRASH_STEP,
                matched
                        ? "every tensor bit-identical"
                        : differing.size() + " tensors differing " + differing,
                compared,
                100 * resumed.testAccuracy(),
                100 * whole.testAccuracy(),
                result.seconds());
        log.flush();
        return result;
    }

    /**
     * Makes a directory ready for the demo: creates it, deletes what an earlier demo left in it
     * (its {@code data}, {@code uninterrupted} and {@code interrupted} folders, recognised by the
     * {@value #MARKER} file the demo writes) and marks it as the demo's.
     *
     * @param dir the demo directory
     * @throws IllegalArgumentException if the directory holds one of those folders but no marker,
     *     so that they may be someone else's
     * @throws IOException if the directory cannot be created or cleaned
     */
    static void prepareDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        boolean ours = Files.isRegularFile(dir.resolve(MARKER));
        for (String name : OWN_FOLDERS) {
            Path folder = dir.resolve(name);
            if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                if (!ours) {
                    throw new IllegalArgumentException(
                            dir
                                    + " holds "
                                    + name
                                    + "/, which the demo did not make; give demo --dir a new or"
                                    + " empty directory, or one an earlier demo used");
                }
                AtomicFiles.deleteRecursively(folder);
            }
        }
        Files.writeString(
                dir.resolve(MARKER),
                "made by odyssey demo; a rerun replaces " + String.join(", ", OWN_FOLDERS) + "\n");
    }

    /**
     * The outcome of comparing two tensor files.
     *
     * @param compared how many tensor names the files hold together
     * @param differing the names missing from one file or whose dtype, shape or bytes differ
     */
    public record Comparison(int compared, List<String> differing) {}

    /**
     * Compares two tensor files tensor by tensor, byte for byte.
     *
     * @param a one file
     * @param b the other
     * @return the comparison
     * @throws IOException if a file cannot be read
     */
    public static Comparison compareTensors(Path a, Path b) throws IOException {
        List<String> result = new ArrayList<>();
        TreeSet<String> names;
        try (TensorFile x = TensorFile.load(a);
                TensorFile y = TensorFile.load(b)) {
            names = new TreeSet<>(x.names());
            names.addAll(y.names());
            for (String name : names) {
                if (!x.contains(name) || !y.contains(name)) {
                    result.add(name);
                    continue;
                }
                ByteBuffer bx = x.get(name).data();
                ByteBuffer by = y.get(name).data();
                if (x.get(name).dtype() != y.get(name).dtype()
                        || !java.util.Arrays.equals(x.get(name).shape(), y.get(name).shape())
                        || !bx.equals(by)) {
                    result.add(name);
                }
            }
        }
        return new Comparison(names.size(), result);
    }

    private static void pinEngineThreads() {
        for (String key :
                List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads")) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, "1");
            }
        }
    }
}
