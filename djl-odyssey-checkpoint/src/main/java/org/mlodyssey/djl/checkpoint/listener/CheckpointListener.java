/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mlodyssey.djl.checkpoint.format.AtomicFiles;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.training.HostArrayPool;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.StepListener;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoints;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves training checkpoints automatically: decides when ({@link CheckpointTrigger}), which to keep
 * ({@link RetentionPolicy}), and hands the writing to a background thread ({@link
 * CheckpointWriter}); the checkpoints are {@link TrainingCheckpoints}'s.
 *
 * <p>Two ways to use it:
 *
 * <ul>
 *   <li>With {@code EasyTrain.fit}: add it to the {@code DefaultTrainingConfig}, after DJL's
 *       evaluator listeners. It saves in {@code onEpoch}, after the epoch's last step and
 *       validation, where the state is consistent; step and time periods are checked there too.
 *   <li>With {@link org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop}: also add it as a
 *       step listener. It then saves right after {@code Trainer.step()} (DJL's {@code
 *       onTrainingBatch} fires before the step, when the state does not include it) and at each
 *       epoch's end, and its {@code onEpoch} and {@code onTrainingBatch} do nothing.
 * </ul>
 *
 * <p>Saving is asynchronous by default: the training thread waits for the previous write if it is
 * still running (at most {@code maxWritesInFlight}, default 1, so memory stays bounded), takes a
 * host-memory snapshot into reused buffers ({@link HostArrayPool}), and goes on; one background
 * thread writes and commits. After each commit the {@code latest} pointer is replaced ({@link
 * LatestPointer}) and the retention rules delete what they no longer keep. The end of training
 * ({@code onTrainingEnd}, fired by {@code Trainer.close()}) or {@link #close()} waits for pending
 * writes. A failed write is logged and handled by the {@link FailurePolicy}.
 */
public final class CheckpointListener extends TrainingListenerAdapter
        implements StepListener, AutoCloseable {

    /** Manifest metadata key: the how-manieth checkpoint of the run, from 1. */
    public static final String META_ORDINAL = "checkpointListener.ordinal";

    /** Manifest metadata key: the monitored metric's key, when the checkpoint has a value. */
    public static final String META_MONITOR = "checkpointListener.monitor";

    /** Manifest metadata key: the monitored metric's value at the checkpoint. */
    public static final String META_MONITOR_VALUE = "checkpointListener.monitorValue";

    /** Manifest metadata key: why the checkpoint was saved, comma-separated. */
    public static final String META_REASONS = "checkpointListener.reasons";

    private static final String META_PREFIX = "checkpointListener.";

    /** A checkpoint directory's name, as {@link TrainingCheckpoints#directoryName}. */
    private static final Pattern CHECKPOINT_NAME =
            Pattern.compile("step-\\d{12}-epoch-\\d{6}-batch-\\d{9}");

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private static final Logger logger = LoggerFactory.getLogger(CheckpointListener.class);

    /** Saves a snapshot into a directory of checkpoints; {@link TrainingCheckpoints#save}. */
    @FunctionalInterface
    interface CheckpointSaver {

        /**
         * Saves and commits.
         *
         * @param root the directory of checkpoints
         * @param snapshot the snapshot
         * @param metadata manifest metadata
         * @return the committed checkpoint directory
         * @throws IOException if nothing could be committed
         */
        Path save(Path root, TrainingSnapshot snapshot, Map<String, String> metadata)
                throws IOException;
    }

    private final Path root;
    private final boolean async;
    private final Map<String, String> metadata;
    private final OptimizerStateAdapters adapters;
    private final CheckpointSaver saver;
    private final Consumer<SavedCheckpoint> onSaved;
    private final Monitor monitor;
    private final CheckpointTrigger trigger;
    private final RetentionPolicy retention;
    private final CheckpointWriter writer;
    private final HostArrayPool pool = new HostArrayPool();

    // Training thread.
    private TrainingProgress progress;

    // Which loop drives the listener: the resumable loop (STEP: its StepListener calls) or
    // EasyTrain.fit (EPOCH: DJL's calls only), known from the first calls.
    private enum Driver {
        UNKNOWN,
        EPOCH,
        STEP
    }

    private Driver driver = Driver.UNKNOWN;

    /** Whether the trigger knows the step the run started at (resume() or a first step). */
    private boolean startKnown;

    private boolean epochEndPending;
    private long stepsThisEpoch;
    private long nextOrdinal = 1;
    private boolean ended;
    private boolean closed;
    private RuntimeException endFailure;

    // The position saved last, committed or in flight; cleared by the writing thread on failure.
    private final AtomicReference<String> lastSaved = new AtomicReference<>();

    // Shared with the writing thread, guarded by itself.
    private final List<RetentionPolicy.Entry> committed = new ArrayList<>();
    private final Set<Path> resumedFrom = new HashSet<>();
    private final Map<Path, Integer> holds = new HashMap<>();

    private CheckpointListener(Builder builder) {
        this.root = builder.directory.toAbsolutePath().normalize();
        this.async = builder.async;
        this.metadata = Map.copyOf(builder.metadata);
        this.adapters = builder.adapters;
        this.saver = builder.saver;
        this.onSaved = builder.onSaved;
        this.monitor = builder.monitor;
        this.trigger =
                new CheckpointTrigger(
                        builder.everyEpochs,
                        builder.everySteps,
                        builder.everyNanos,
                        builder.atEnd,
                        builder.monitor,
                        builder.clock);
        this.retention =
                new RetentionPolicy(
                        builder.keepLast, builder.keepBest, builder.keepEvery, builder.monitor);
        this.writer =
                new CheckpointWriter(
                        builder.async,
                        builder.maxWritesInFlight,
                        builder.failurePolicy,
                        "checkpoint-writer-" + root.getFileName());
        this.progress = TrainingProgress.start(builder.seed);
        scanExisting();
        trigger.start(0, bestCommitted());
    }

    /**
     * Starts a listener configuration.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Resumes in one call: restores a checkpoint into a trainer, or starts a new run.
     *
     * <p>{@code checkpoints} may be a directory of checkpoints (the newest valid one is restored,
     * as {@link TrainingCheckpoints#restoreLatestOrStart}; none starts a new run), one checkpoint
     * directory, or the {@code latest} pointer file ({@link LatestPointer}) of a directory of
     * checkpoints (the pointer is checked against the newest valid checkpoint, which is restored: a
     * crash between a commit and the pointer's update leaves it stale; a disagreement is logged as
     * a warning). Pass the result to {@code ResumableTrainingLoop.fit} as its start; with {@code
     * EasyTrain.fit}, train the remaining {@code numEpoch - start.epoch()} epochs.
     *
     * @param trainer the trainer, built as for the saved run and initialized
     * @param checkpoints where to resume from
     * @param seed the run seed for a new run (a resumed run keeps its saved seed)
     * @return the position to continue from
     * @throws IOException if the directory cannot be listed or a file cannot be read
     * @throws InvalidTrainingCheckpointException if a named checkpoint is not valid
     * @throws org.mlodyssey.djl.checkpoint.training.IncompatibleCheckpointException if the
     *     checkpoint does not fit the trainer
     */
    public static TrainingProgress resume(Trainer trainer, Path checkpoints, long seed)
            throws IOException {
        return restore(trainer, checkpoints, seed).progress();
    }

    /**
     * Resumes from this listener's directory in one call (the newest valid checkpoint, or a new
     * run) and protects the restored checkpoint from deletion for the rest of the run. Call it
     * before training.
     *
     * <p>Checkpoint directories positioned after the restored one (not valid, since the newest
     * valid one is restored, or left by an abandoned timeline) are renamed aside to {@code
     * .<name>.abandoned-<timestamp>}, which no search for checkpoints considers, with a warning:
     * training saves those positions again. {@code latest} then names the restored checkpoint.
     *
     * @param trainer the trainer, built as for the saved run and initialized
     * @param seed the run seed for a new run (a resumed run keeps its saved seed)
     * @return the position to continue from
     * @throws IOException if the directory cannot be listed or a file cannot be read
     * @throws org.mlodyssey.djl.checkpoint.training.IncompatibleCheckpointException if the
     *     checkpoint does not fit the trainer
     */
    public TrainingProgress resume(Trainer trainer, long seed) throws IOException {
        return resumeFrom(trainer, root, seed);
    }

    /**
     * Resumes from a given checkpoint, directory of checkpoints or {@code latest} pointer (as the
     * static {@link #resume(Trainer, Path, long)}) and tells this listener where the run restarts:
     * the restored checkpoint is protected from deletion for the rest of the run, every checkpoint
     * directory of this listener's directory positioned after it is renamed aside to {@code
     * .<name>.abandoned-<timestamp>} (training saves those positions again), {@code latest} names
     * the restored checkpoint when it lies in this listener's directory, and the save schedule
     * counts from the restored step. Call it before training.
     *
     * @param trainer the trainer, built as for the saved run and initialized
     * @param checkpoints a checkpoint directory, a directory of checkpoints or a {@code latest}
     *     pointer file
     * @param seed the run seed for a new run (a resumed run keeps its saved seed)
     * @return the position to continue from
     * @throws IOException if a directory cannot be listed or a file cannot be read or moved
     * @throws InvalidTrainingCheckpointException if a named checkpoint is not valid
     * @throws org.mlodyssey.djl.checkpoint.training.IncompatibleCheckpointException if the
     *     checkpoint does not fit the trainer
     */
    public TrainingProgress resumeFrom(Trainer trainer, Path checkpoints, long seed)
            throws IOException {
        Objects.requireNonNull(checkpoints, "checkpoints");
        Restored restored = restore(trainer, checkpoints, seed);
        progress = restored.progress();
        moveAsideAfter(progress, restored.checkpoint().orElse(null));
        restored.checkpoint()
                .ifPresent(
                        dir -> {
                            synchronized (committed) {
                                resumedFrom.add(dir.toAbsolutePath().normalize());
                            }
                        });
        lastSaved.set(restored.checkpoint().isPresent() ? directoryName(progress) : null);
        stepsThisEpoch = 0;
        trigger.start(progress.globalStep(), bestCommitted());
        startKnown = true;
        return progress;
    }

    private record Restored(TrainingProgress progress, Optional<Path> checkpoint) {}

    private static Restored restore(Trainer trainer, Path checkpoints, long seed)
            throws IOException {
        Objects.requireNonNull(trainer, "trainer");
        if (checkpoints.getFileName() != null
                && checkpoints.getFileName().toString().equals(LatestPointer.FILE_NAME)
                && Files.isRegularFile(checkpoints)) {
            return restoreLatest(trainer, checkpoints, seed);
        }
        Path dir = null;
        if (Files.isRegularFile(checkpoints.resolve(TrainingCheckpointManifest.FILE_NAME))) {
            dir = checkpoints;
        }
        if (dir != null) {
            TrainingProgress p = TrainingCheckpoint.open(dir).restoreInto(trainer);
            logger.info("Resumed from {} (step {})", dir, p.globalStep());
            return new Restored(p, Optional.of(dir));
        }
        TrainingProgress p = TrainingCheckpoints.restoreLatestOrStart(checkpoints, trainer, seed);
        Path restored = checkpoints.resolve(directoryName(p));
        return new Restored(
                p, Files.isDirectory(restored) ? Optional.of(restored) : Optional.empty());
    }

    /**
     * Restores the newest valid checkpoint of the pointer's directory, warning when the pointer
     * names another (stale after a crash between a commit and its update, or naming a damaged
     * checkpoint).
     */
    private static Restored restoreLatest(Trainer trainer, Path pointer, long seed)
            throws IOException {
        Path parent = pointer.toAbsolutePath().getParent();
        String named;
        try {
            named = LatestPointer.read(parent).map(p -> p.getFileName().toString()).orElse(null);
        } catch (IOException e) {
            named = null;
            logger.warn("Cannot read {}: {}", pointer, e.toString());
        }
        Optional<TrainingCheckpoint> newest = TrainingCheckpoints.findLatestValid(parent);
        String found = newest.map(c -> c.getDirectory().getFileName().toString()).orElse(null);
        if (!Objects.equals(named, found)) {
            logger.warn(
                    "{} names {}, but the newest valid checkpoint is {}: resuming from {}",
                    pointer,
                    named,
                    found,
                    found == null ? "the start (a new run)" : found);
        }
        if (newest.isEmpty()) {
            return new Restored(TrainingProgress.start(seed), Optional.empty());
        }
        TrainingProgress p = newest.get().restoreInto(trainer);
        logger.info("Resumed from {} (step {})", newest.get().getDirectory(), p.globalStep());
        return new Restored(p, Optional.of(newest.get().getDirectory()));
    }

    /**
     * Renames aside every checkpoint directory positioned after where the run resumes, so that
     * training can save those positions again, and unregisters them; then points {@code latest} at
     * the restored checkpoint.
     */
    private void moveAsideAfter(TrainingProgress at, Path restored) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        String position = directoryName(at);
        List<Path> later = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path dir : stream) {
                String name = dir.getFileName().toString();
                if (CHECKPOINT_NAME.matcher(name).matches()
                        && name.compareTo(position) > 0
                        && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    later.add(dir);
                }
            }
        }
        if (later.isEmpty()) {
            pointLatestAt(restored);
            return;
        }
        String stamp = STAMP.format(Instant.now());
        for (Path dir : later) {
            Path aside = root.resolve("." + dir.getFileName() + ".abandoned-" + stamp);
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            synchronized (committed) {
                committed.removeIf(e -> e.directory().equals(dir));
            }
            logger.warn(
                    "Moved checkpoint {} aside to {}: it lies after {}, where the run resumes"
                            + " (not valid, or on an abandoned timeline); training saves that"
                            + " position again",
                    dir,
                    aside.getFileName(),
                    position);
        }
        AtomicFiles.fsyncDirectory(root);
        pointLatestAt(restored);
    }

    /** Points {@code latest} at the restored checkpoint when it lies in this directory. */
    private void pointLatestAt(Path restored) throws IOException {
        if (restored == null) {
            return;
        }
        Path dir = restored.toAbsolutePath().normalize();
        if (!root.toAbsolutePath().normalize().equals(dir.getParent())) {
            return;
        }
        Optional<Path> named;
        try {
            named = LatestPointer.read(root);
        } catch (IOException e) {
            named = Optional.empty();
        }
        if (named.isEmpty()
                || !named.get().getFileName().toString().equals(dir.getFileName().toString())) {
            LatestPointer.write(root, dir);
        }
    }

    /**
     * Protects a committed checkpoint from deletion while it is read, until the hold is closed.
     *
     * @param checkpoint a checkpoint directory of this listener's directory
     * @return the hold; close it when done reading
     * @throws IllegalStateException if the checkpoint does not exist (any more)
     */
    public Hold hold(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().normalize();
        synchronized (committed) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("No checkpoint " + dir + " to hold");
            }
            holds.merge(dir, 1, Integer::sum);
        }
        return new Hold(dir);
    }

    /** A checkpoint kept from deletion while open ({@link #hold}). */
    public final class Hold implements AutoCloseable {

        private final Path directory;
        private boolean released;

        private Hold(Path directory) {
            this.directory = directory;
        }

        /** Releases the hold; the retention rules apply again at the next commit. */
        @Override
        public void close() {
            synchronized (committed) {
                if (!released) {
                    released = true;
                    holds.computeIfPresent(directory, (k, n) -> n == 1 ? null : n - 1);
                }
            }
        }
    }

    /**
     * Returns the directory of checkpoints.
     *
     * @return the absolute directory
     */
    public Path getDirectory() {
        return root;
    }

    /**
     * Returns every failed checkpoint write so far, whatever the failure policy.
     *
     * @return the failures, oldest first
     */
    public List<CheckpointWriteException> getFailures() {
        return writer.failures();
    }

    /**
     * Returns the committed checkpoints this listener manages (written by it or an earlier run of
     * it in the same directory) and has not deleted.
     *
     * @return the directories, oldest first
     */
    public List<Path> getCheckpoints() {
        synchronized (committed) {
            return committed.stream()
                    .sorted(Comparator.comparingLong(RetentionPolicy.Entry::ordinal))
                    .map(RetentionPolicy.Entry::directory)
                    .collect(Collectors.toList());
        }
    }

    /** Counts the training batches with {@code EasyTrain.fit}; the step is taken after this. */
    @Override
    public void onTrainingBatch(Trainer trainer, TrainingListener.BatchData batchData) {
        if (driver == Driver.STEP) {
            return;
        }
        if (driver == Driver.UNKNOWN && (stepsThisEpoch > 0 || epochEndPending)) {
            // A batch without an afterStep after the previous batch or epoch end: EasyTrain.fit.
            driver = Driver.EPOCH;
            saveEpochEndPending(trainer);
        }
        stepsThisEpoch++;
    }

    /**
     * Saves at an epoch end left undecided: the next batch's step has not been taken, so the state
     * is still the epoch end's.
     */
    private void saveEpochEndPending(Trainer trainer) {
        if (epochEndPending) {
            epochEndPending = false;
            atEpochEnd(trainer);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@code EasyTrain.fit}: the epoch's steps and validation are done; saves if a rule
     * says so.
     */
    @Override
    public void onEpoch(Trainer trainer) {
        if (driver == Driver.STEP) {
            return;
        }
        List<Map<String, Float>> history = new ArrayList<>(progress.epochMetrics());
        history.add(evaluations(trainer));
        progress =
                new TrainingProgress(
                        progress.seed(),
                        progress.epoch() + 1,
                        0,
                        progress.globalStep() + stepsThisEpoch,
                        history);
        boolean batchesSeen = stepsThisEpoch > 0;
        stepsThisEpoch = 0;
        if (driver == Driver.UNKNOWN && !batchesSeen) {
            // No batch yet: the resumable loop resumed at an epoch's last batch fires this before
            // its afterEpoch. Decided by the next call: afterEpoch, or a batch or the end.
            epochEndPending = true;
            return;
        }
        driver = Driver.EPOCH;
        atEpochEnd(trainer);
    }

    /** {@inheritDoc} */
    @Override
    public void afterStep(Trainer trainer, TrainingProgress at) {
        if (!startKnown) {
            // The run started without resume(): counting starts at the step before this one, not
            // at 0, so a run picked up at step k saves at the multiples after k, no extra save.
            trigger.start(at.globalStep() - 1, bestCommitted());
            startKnown = true;
        }
        driver = Driver.STEP;
        epochEndPending = false;
        progress = at;
        save(trainer, trigger.afterStep(at.globalStep()));
    }

    /** {@inheritDoc} */
    @Override
    public void afterEpoch(Trainer trainer, TrainingProgress at) {
        driver = Driver.STEP;
        epochEndPending = false;
        progress = at;
        atEpochEnd(trainer);
    }

    private void atEpochEnd(Trainer trainer) {
        atEpochEnd(trainer, true);
    }

    private void atEpochEnd(Trainer trainer, boolean applyPolicy) {
        List<Map<String, Float>> history = progress.epochMetrics();
        Map<String, Float> last = history.isEmpty() ? Map.of() : history.get(history.size() - 1);
        if (trigger.dependsOnWritesInFlight(last)) {
            writer.awaitWrites(); // a new best only if the best in flight failed: wait to know
        }
        save(
                trainer,
                trigger.afterEpoch(progress.epoch(), progress.globalStep(), last),
                applyPolicy);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fired by {@code Trainer.close()}: waits for the writes in flight, saves if saving at the
     * end is on (and the position is not committed already), waits for that write, stops the
     * writing thread and frees the snapshot memory. It throws nothing, so that DJL closes the
     * trainer and tells the later listeners: a failure is logged and recorded, and {@link #close()}
     * throws it as the failure policy says. Close the listener after the trainer (declare it first
     * in the same {@code try}-with-resources).
     */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (ended || closed) {
            return;
        }
        ended = true;
        try {
            // The writes in flight decide whether this position is committed already.
            writer.awaitWrites();
            if (epochEndPending) {
                driver = Driver.EPOCH;
                epochEndPending = false;
                atEpochEnd(trainer, false);
            }
            save(trainer, trigger.atEnd(), false);
        } catch (RuntimeException e) {
            endFailure = e;
            logger.error("The checkpoint at the end of training in {} failed", root, e);
        } finally {
            if (!writer.finish()) {
                logger.warn("Interrupted while waiting for the checkpoint writes of {}", root);
            }
            pool.close(); // arrays still lent to a write are freed when it ends
        }
    }

    /**
     * Waits for pending writes, stops the writing thread and frees the snapshot memory; then
     * reports failures. Closing again has no effect.
     *
     * @throws CheckpointWriteException unless the policy is {@link FailurePolicy#TOLERATE}, for a
     *     failed write not reported yet (later ones suppressed)
     * @throws RuntimeException what made the save at the end of training fail before its write
     *     (taking the snapshot, for instance), whatever the policy
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = endFailure;
        try {
            writer.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        } finally {
            pool.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void save(Trainer trainer, EnumSet<SaveReason> reasons) {
        save(trainer, reasons, true);
    }

    private void save(Trainer trainer, EnumSet<SaveReason> reasons, boolean applyPolicy) {
        if (reasons.isEmpty()) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("The checkpoint listener of " + root + " is closed");
        }
        TrainingProgress at = progress;
        String name = directoryName(at);
        Float value = metricAt(at);
        // The trigger counts a new best as pending until told whether it was committed.
        Float pendingBest = reasons.contains(SaveReason.BEST) ? value : null;
        if (name.equals(lastSaved.get())) {
            if (pendingBest != null) {
                trigger.failed(pendingBest); // not saved again; the earlier save reports itself
            }
            if (applyPolicy) {
                writer.checkAtSave();
            }
            return;
        }
        long start = System.nanoTime();
        // The slot first: with one write in flight, the previous write has ended, so its
        // failure (if any) is known to checkAtSave.
        long waited = writer.awaitSlot();
        TrainingSnapshot snapshot;
        try {
            if (applyPolicy) {
                writer.checkAtSave();
            }
            snapshot = TrainingSnapshot.capture(trainer, at, adapters, pool);
        } catch (RuntimeException e) {
            writer.releaseSlot();
            if (pendingBest != null) {
                trigger.failed(pendingBest);
            }
            throw e;
        }
        long captured = System.nanoTime();
        long ordinal = nextOrdinal++;
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(META_ORDINAL, Long.toString(ordinal));
        meta.put(META_REASONS, reasons.stream().map(Enum::name).collect(Collectors.joining(",")));
        if (value != null) {
            meta.put(META_MONITOR, monitor.key());
            meta.put(META_MONITOR_VALUE, Float.toString(value));
        }
        lastSaved.set(name);
        trigger.saved(at.globalStep());
        Path target = root.resolve(name);
        Set<SaveReason> why = Set.copyOf(reasons);
        writer.submit(
                target,
                () -> {
                    long writeStart = System.nanoTime();
                    Path dir;
                    try (TrainingSnapshot s = snapshot) {
                        dir = saver.save(root, s, meta);
                    } catch (Throwable e) { // nothing committed: this position may be saved again
                        lastSaved.compareAndSet(name, null);
                        if (pendingBest != null) {
                            trigger.failed(pendingBest);
                        }
                        throw e;
                    }
                    long commit = System.nanoTime() - writeStart;
                    long blocked = async ? captured - start : System.nanoTime() - start;
                    committed(dir, ordinal, value, why, blocked, waited, commit);
                },
                applyPolicy);
    }

    /**
     * Everything after a commit; a failure here does not undo the commit and is no failed write: it
     * is logged as a warning, and the failure policy does not apply.
     */
    private void committed(
            Path dir,
            long ordinal,
            Float value,
            Set<SaveReason> why,
            long blocked,
            long waited,
            long commit) {
        if (value != null) {
            trigger.committed(value);
        }
        try {
            afterCommit(dir, ordinal, value);
            SavedCheckpoint saved =
                    new SavedCheckpoint(dir, why, sizeOf(dir), blocked, waited, commit);
            logger.info(
                    "Saved checkpoint {} ({} bytes, {}): training blocked {} ms (of which"
                            + " waiting for the previous write {} ms), written and committed in"
                            + " {} ms",
                    dir,
                    saved.bytes(),
                    why,
                    millis(blocked),
                    millis(waited),
                    millis(commit));
            onSaved.accept(saved);
        } catch (IOException | RuntimeException e) {
            logger.warn(
                    "Committed checkpoint {}, but what follows the commit failed (the checkpoint"
                            + " stands): {}",
                    dir,
                    e.toString(),
                    e);
        }
    }

    /**
     * Registers a committed checkpoint, points {@code latest} at it, then applies the retention
     * rules, which always keep it.
     */
    private void afterCommit(Path dir, long ordinal, Float value) {
        try {
            LatestPointer.write(root, dir);
        } catch (IOException e) {
            logger.warn(
                    "Committed {} but could not update {}: {}",
                    dir,
                    root.resolve(LatestPointer.FILE_NAME),
                    e.toString(),
                    e);
        }
        synchronized (committed) {
            // A damaged checkpoint of the same position, registered at start, was moved aside by
            // the save: it no longer names this directory, and must not doom the new checkpoint.
            Path added = dir.toAbsolutePath().normalize();
            committed.removeIf(e -> e.directory().equals(added));
            committed.add(new RetentionPolicy.Entry(added, ordinal, value));
            Set<Path> keep = new HashSet<>(resumedFrom);
            keep.addAll(holds.keySet());
            keep.add(added);
            for (RetentionPolicy.Entry doomed : retention.toDelete(committed, keep)) {
                try {
                    TrainingCheckpoints.delete(doomed.directory());
                    committed.remove(doomed);
                    logger.info("Deleted checkpoint {} (retention)", doomed.directory());
                } catch (IOException e) {
                    logger.warn(
                            "Could not delete checkpoint {}: {}",
                            doomed.directory(),
                            e.toString(),
                            e);
                }
            }
        }
    }

    private Float metricAt(TrainingProgress at) {
        if (monitor == null || at.batchInEpoch() != 0 || at.epochMetrics().isEmpty()) {
            return null;
        }
        return at.epochMetrics().get(at.epochMetrics().size() - 1).get(monitor.key());
    }

    /** Registers the checkpoints an earlier run of this listener left in the directory. */
    private void scanExisting() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path dir : stream) {
                Path manifestFile = dir.resolve(TrainingCheckpointManifest.FILE_NAME);
                if (dir.getFileName().toString().startsWith(".")
                        || !Files.isRegularFile(manifestFile)) {
                    continue;
                }
                TrainingCheckpointManifest manifest;
                try {
                    manifest =
                            TrainingCheckpointManifest.parse(
                                    dir, Files.readString(manifestFile, StandardCharsets.UTF_8));
                } catch (InvalidTrainingCheckpointException e) {
                    logger.warn("Not managing {}: {}", dir, e.getMessage());
                    continue;
                }
                String ordinal = manifest.metadata().get(META_ORDINAL);
                String expected =
                        TrainingCheckpoints.directoryName(
                                new TrainingProgress(
                                        0,
                                        manifest.epoch(),
                                        manifest.batchInEpoch(),
                                        manifest.globalStep(),
                                        List.of()));
                if (ordinal == null || !expected.equals(dir.getFileName().toString())) {
                    continue; // not written by this listener: left alone
                }
                String value = manifest.metadata().get(META_MONITOR_VALUE);
                boolean sameMonitor =
                        monitor != null
                                && monitor.key().equals(manifest.metadata().get(META_MONITOR));
                long n = Long.parseLong(ordinal);
                committed.add(
                        new RetentionPolicy.Entry(
                                dir.toAbsolutePath(),
                                n,
                                sameMonitor && value != null ? Float.valueOf(value) : null));
                nextOrdinal = Math.max(nextOrdinal, n + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + root, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "A checkpoint in " + root + " has a malformed " + META_PREFIX + " value", e);
        }
    }

    private Float bestCommitted() {
        if (monitor == null) {
            return null;
        }
        Float best = null;
        synchronized (committed) {
            for (RetentionPolicy.Entry e : committed) {
                if (e.metric() != null && monitor.isBetter(e.metric(), best)) {
                    best = e.metric();
                }
            }
        }
        return best;
    }

    private static Map<String, Float> evaluations(Trainer trainer) {
        TrainingResult result = trainer.getTrainingResult();
        Map<String, Float> evaluations = result == null ? null : result.getEvaluations();
        return evaluations == null ? Map.of() : new LinkedHashMap<>(evaluations);
    }

    private static String directoryName(TrainingProgress p) {
        return TrainingCheckpoints.directoryName(p);
    }

    /** The bytes of a committed checkpoint: its manifest and the files it records. */
    private static long sizeOf(Path dir) throws IOException {
        String json =
                Files.readString(
                        dir.resolve(TrainingCheckpointManifest.FILE_NAME), StandardCharsets.UTF_8);
        long total = json.getBytes(StandardCharsets.UTF_8).length;
        for (TrainingCheckpointManifest.FileEntry file :
                TrainingCheckpointManifest.parse(dir, json).files().values()) {
            total += file.size();
        }
        return total;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Configures a {@link CheckpointListener}. */
    public static final class Builder {

        private Path directory;
        private int everyEpochs = 1;
        private long everySteps;
        private long everyNanos;
        private boolean atEnd = true;
        private Monitor monitor;
        private int keepLast = RetentionPolicy.KEEP_ALL;
        private int keepBest;
        private int keepEvery;
        private boolean async = true;
        private int maxWritesInFlight = 1;
        private FailurePolicy failurePolicy = FailurePolicy.FAIL_AT_NEXT_SAVE;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private long seed;
        private OptimizerStateAdapters adapters = OptimizerStateAdapters.builtIn();
        private Consumer<SavedCheckpoint> onSaved = saved -> {};
        private CheckpointSaver saver = TrainingCheckpoints::save;
        private LongSupplier clock = System::nanoTime;

        Builder() {}

        /**
         * Sets the directory of checkpoints (required); created at the first save.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder setDirectory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Saves at the end of every {@code n}-th epoch; 0 turns it off. Default 1.
         *
         * @param n the period in epochs
         * @return this builder
         */
        public Builder optEveryEpochs(int n) {
            this.everyEpochs = n;
            return this;
        }

        /**
         * Saves every {@code n} training steps (after the step with the resumable loop, at the end
         * of the epoch in which a multiple of {@code n} was crossed with {@code EasyTrain.fit}); 0
         * turns it off. Default off.
         *
         * @param n the period in steps
         * @return this builder
         */
        public Builder optEverySteps(long n) {
            this.everySteps = n;
            return this;
        }

        /**
         * Saves when this much wall-clock time has passed since the previous save (checked where
         * the other periods are); 0 turns it off. Default off.
         *
         * @param seconds the period in seconds
         * @return this builder
         */
        public Builder optEverySeconds(double seconds) {
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("Invalid everySeconds " + seconds);
            }
            this.everyNanos = Math.round(seconds * 1e9);
            return this;
        }

        /**
         * Whether to save when training ends ({@code onTrainingEnd}), unless that position is saved
         * already. Default true.
         *
         * @param atEnd whether to save at the end
         * @return this builder
         */
        public Builder optAtEnd(boolean atEnd) {
            this.atEnd = atEnd;
            return this;
        }

        /**
         * Saves at the end of each epoch whose value of a metric is better than every earlier
         * epoch's, and ranks checkpoints by it for {@link #optKeepBest}.
         *
         * @param metric the evaluator's name, such as {@code loss}
         * @param mode whether lower or higher is better
         * @param onValidation whether to watch the validation value rather than the training one
         * @return this builder
         */
        public Builder optMonitor(String metric, Monitor.Mode mode, boolean onValidation) {
            this.monitor = new Monitor(metric, mode, onValidation);
            return this;
        }

        /**
         * Keeps the {@code k} newest checkpoints (besides those other rules keep). Default: all.
         *
         * @param k how many, at least 1
         * @return this builder
         */
        public Builder optKeepLast(int k) {
            this.keepLast = k;
            return this;
        }

        /**
         * Keeps the {@code k} best checkpoints by the monitored metric (needs {@link #optMonitor}).
         * Default 0.
         *
         * @param k how many
         * @return this builder
         */
        public Builder optKeepBest(int k) {
            this.keepBest = k;
            return this;
        }

        /**
         * Keeps every {@code m}-th checkpoint of the run permanently (ordinals {@code m}, {@code
         * 2m}, ..., counted across resumes). Default 0, off.
         *
         * @param m the period
         * @return this builder
         */
        public Builder optKeepEvery(int m) {
            this.keepEvery = m;
            return this;
        }

        /**
         * Whether to write on a background thread. Default true.
         *
         * @param async false to write on the training thread
         * @return this builder
         */
        public Builder optAsync(boolean async) {
            this.async = async;
            return this;
        }

        /**
         * How many writes may be in flight at once; each holds a snapshot in host memory. Default
         * 1.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder optMaxWritesInFlight(int n) {
            this.maxWritesInFlight = n;
            return this;
        }

        /**
         * What a failed write does. Default {@link FailurePolicy#FAIL_AT_NEXT_SAVE}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optFailurePolicy(FailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Adds user metadata recorded in every checkpoint's manifest.
         *
         * @param key the key, not starting with {@code checkpointListener.}
         * @param value the value
         * @return this builder
         */
        public Builder addMetadata(String key, String value) {
            if (key.startsWith(META_PREFIX)) {
                throw new IllegalArgumentException(
                        "Metadata key '" + key + "' is reserved (" + META_PREFIX + "*)");
            }
            metadata.put(key, Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the run seed recorded with {@code EasyTrain.fit} when the run is not resumed.
         * Default 0.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the optimizer state adapters. Default {@link OptimizerStateAdapters#builtIn()}.
         *
         * @param adapters the adapters
         * @return this builder
         */
        public Builder optOptimizerStateAdapters(OptimizerStateAdapters adapters) {
            this.adapters = Objects.requireNonNull(adapters, "adapters");
            return this;
        }

        /**
         * Sets a callback told about each committed checkpoint, on the writing thread.
         *
         * @param onSaved the callback
         * @return this builder
         */
        public Builder optOnSaved(Consumer<SavedCheckpoint> onSaved) {
            this.onSaved = Objects.requireNonNull(onSaved, "onSaved");
            return this;
        }

        /**
         * Sets how the checkpoints' tensor files are written, e.g. {@code
         * WriteOptions.builder().optCompression(Compression.zstd(3)).build()}; compression then
         * runs where the checkpoint is written (on the writer thread when asynchronous).
         *
         * @param options the write options of {@link TrainingCheckpoints#save(Path,
         *     TrainingSnapshot, Map, WriteOptions)}
         * @return this builder
         */
        public Builder optWriteOptions(WriteOptions options) {
            Objects.requireNonNull(options, "options");
            return optSaver(
                    (root, snapshot, metadata) ->
                            TrainingCheckpoints.save(root, snapshot, metadata, options));
        }

        Builder optSaver(CheckpointSaver saver) {
            this.saver = Objects.requireNonNull(saver, "saver");
            return this;
        }

        Builder optClock(LongSupplier clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the listener and registers the checkpoints an earlier run of it left in the
         * directory, for retention.
         *
         * @return the listener
         * @throws IllegalArgumentException if no directory is set, a setting is out of range (a
         *     negative period or count, {@code keepLast} or {@code maxWritesInFlight} below 1), or
         *     {@code keepBest} lacks a monitor
         * @throws UncheckedIOException if the directory cannot be listed
         */
        public CheckpointListener build() {
            if (directory == null) {
                throw new IllegalArgumentException("setDirectory is required");
            }
            return new CheckpointListener(this);
        }
    }
}
