/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.internal.ForwardState;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;

/**
 * The full state of a training run at one point, in host memory: parameter values by stable name,
 * optimizer state and {@link TrainingProgress}.
 *
 * <p>A snapshot is a copy: the training thread can go on updating the model while another thread
 * writes the snapshot out. It owns its tensors; {@link #close()} frees them.
 */
public final class TrainingSnapshot implements AutoCloseable {

    private final TrainingProgress progress;
    private final Map<String, NDArray> parameters;
    private final OptimizerState optimizerState;
    private final NDManager owner;
    private final HostArrayPool pool;

    /**
     * Creates a snapshot that takes ownership of its tensors.
     *
     * @param progress where the run stands
     * @param parameters parameter values by stable name, attached to {@code owner}
     * @param optimizerState the optimizer state, closed with this snapshot
     * @param owner the manager of {@code parameters}, closed with this snapshot
     */
    public TrainingSnapshot(
            TrainingProgress progress,
            Map<String, NDArray> parameters,
            OptimizerState optimizerState,
            NDManager owner) {
        this(progress, parameters, optimizerState, owner, null);
    }

    private TrainingSnapshot(
            TrainingProgress progress,
            Map<String, NDArray> parameters,
            OptimizerState optimizerState,
            NDManager owner,
            HostArrayPool pool) {
        this.progress = Objects.requireNonNull(progress, "progress");
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.optimizerState = Objects.requireNonNull(optimizerState, "optimizerState");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.pool = pool;
    }

    /**
     * Captures the state of a trainer whose optimizer is one of DJL's built-in ones.
     *
     * @param trainer the trainer, between steps
     * @param progress where the run stands
     * @return the snapshot
     * @throws UnsupportedOptimizerException if the optimizer's state cannot be captured
     */
    public static TrainingSnapshot capture(Trainer trainer, TrainingProgress progress) {
        return capture(trainer, progress, OptimizerStateAdapters.builtIn());
    }

    /**
     * Captures the state of a trainer.
     *
     * @param trainer the trainer, between steps
     * @param progress where the run stands
     * @param adapters the optimizer state adapters to choose from
     * @return the snapshot
     * @throws UnsupportedOptimizerException if no adapter supports the trainer's optimizer
     */
    public static TrainingSnapshot capture(
            Trainer trainer, TrainingProgress progress, OptimizerStateAdapters adapters) {
        return capture(trainer, progress, adapters, null);
    }

    /**
     * Captures the state of a trainer into reusable host memory: each CPU tensor costs one memory
     * copy into an array of the pool, which {@link #close()} returns to the pool.
     *
     * <p>Use it to take snapshots repeatedly with little time spent on the training thread; the
     * pool then holds about as much memory as the snapshots alive at the same time.
     *
     * @param trainer the trainer, between steps
     * @param progress where the run stands
     * @param adapters the optimizer state adapters to choose from
     * @param pool the pool of host arrays, or {@code null} for fresh copies
     * @return the snapshot
     * @throws UnsupportedOptimizerException if no adapter supports the trainer's optimizer
     */
    public static TrainingSnapshot capture(
            Trainer trainer,
            TrainingProgress progress,
            OptimizerStateAdapters adapters,
            HostArrayPool pool) {
        return capture(trainer, progress, adapters, pool, null);
    }

    /**
     * Captures the state of a trainer as {@link #capture(Trainer, TrainingProgress,
     * OptimizerStateAdapters, HostArrayPool)} does, with the parameters a forward pass changed
     * since the last step replaced by their values before it.
     *
     * @param trainer the trainer, between a batch's forward pass and its step
     * @param progress where the run stands: the steps completed
     * @param adapters the optimizer state adapters to choose from
     * @param pool the pool of host arrays, or {@code null} for fresh copies
     * @param beforeForward the parameters without gradient as they were after the last step, or
     *     {@code null} to capture them as they are
     * @return the snapshot
     * @throws UnsupportedOptimizerException if no adapter supports the trainer's optimizer
     */
    public static TrainingSnapshot capture(
            Trainer trainer,
            TrainingProgress progress,
            OptimizerStateAdapters adapters,
            HostArrayPool pool,
            ForwardState beforeForward) {
        Objects.requireNonNull(progress, "progress");
        ParameterNames names = ParameterNames.of(trainer.getModel().getBlock());
        Optimizer optimizer = DjlInternals.optimizerOf(trainer);
        OptimizerStateAdapter adapter = adapters.forOptimizer(optimizer);
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        Map<String, NDArray> parameters = Map.of();
        try {
            parameters = ParameterValues.copyToHost(names, manager, pool);
            if (beforeForward != null) {
                for (Map.Entry<String, NDArray> e : beforeForward.values().entrySet()) {
                    parameters.get(e.getKey()).set(e.getValue().toByteBuffer());
                }
            }
            OptimizerState state = adapter.capture(optimizer, names, trainer.getDevices(), pool);
            return new TrainingSnapshot(progress, parameters, state, manager, pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                parameters.values().forEach(pool::release);
            }
            manager.close();
            throw e;
        }
    }

    /**
     * Restores this snapshot into a trainer built like the captured one, strictly, with the
     * built-in optimizer adapters.
     *
     * @param trainer the trainer, initialized, before its first step
     * @return the progress to resume from
     * @throws IncompatibleCheckpointException if the snapshot does not fit the trainer
     */
    public TrainingProgress restoreInto(Trainer trainer) {
        return restoreInto(trainer, OptimizerStateAdapters.builtIn(), ParameterLoadMode.STRICT);
    }

    /**
     * Restores this snapshot into a trainer built like the captured one.
     *
     * <p>Everything is checked before anything is written: in strict mode a parameter mismatch or
     * an optimizer state that does not fit leaves the trainer untouched. The mode applies to
     * parameters only; the optimizer state is always restored strictly, so a lenient load of a
     * snapshot with parameters the model lacks fails on their optimizer state: load the parameters
     * alone with {@link ParameterValues#load} in that case.
     *
     * @param trainer the trainer, initialized
     * @param adapters the optimizer state adapters to choose from
     * @param mode how parameters that do not match are treated
     * @return the progress to resume from
     * @throws IncompatibleCheckpointException if the snapshot does not fit the trainer
     */
    public TrainingProgress restoreInto(
            Trainer trainer, OptimizerStateAdapters adapters, ParameterLoadMode mode) {
        return restoreInto(trainer, adapters, mode, "snapshot");
    }

    TrainingProgress restoreInto(
            Trainer trainer,
            OptimizerStateAdapters adapters,
            ParameterLoadMode mode,
            String source) {
        ParameterNames names = ParameterNames.of(trainer.getModel().getBlock());
        ParameterLoadReport report = ParameterValues.compare(names, parameters);
        if (mode == ParameterLoadMode.STRICT && !report.isExactMatch()) {
            throw new ParameterMismatchException(source, report);
        }
        Optimizer optimizer = DjlInternals.optimizerOf(trainer);
        adapters.forOptimizer(optimizer)
                .restore(
                        optimizer,
                        optimizerState,
                        names,
                        trainer.getDevices(),
                        trainer.getManager());
        ParameterValues.load(names, trainer, parameters, mode, source);
        return progress;
    }

    /**
     * Returns where the run stood.
     *
     * @return the progress
     */
    public TrainingProgress getProgress() {
        return progress;
    }

    /**
     * Returns the parameter values by stable name.
     *
     * @return an unmodifiable map, in the block's order
     */
    public Map<String, NDArray> getParameters() {
        return parameters;
    }

    /**
     * Returns the optimizer state.
     *
     * @return the state
     */
    public OptimizerState getOptimizerState() {
        return optimizerState;
    }

    /** Frees the tensors of this snapshot, returning those taken from a pool to it. */
    @Override
    public void close() {
        try {
            optimizerState.close();
        } finally {
            try {
                if (pool != null) {
                    parameters.values().forEach(pool::release);
                }
            } finally {
                owner.close();
            }
        }
    }
}
