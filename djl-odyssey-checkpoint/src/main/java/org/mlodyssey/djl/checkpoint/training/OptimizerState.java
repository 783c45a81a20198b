/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;

/**
 * The state of an optimizer, by stable names: named integer counters and named host-memory tensors.
 *
 * <p>The names are the adapter's to choose; the built-in adapter uses {@code numUpdate}, {@code
 * updateCount/<parameter>} for counters and {@code <slot>/<replica>/<parameter>} for tensors, such
 * as {@code means/0/01Linear_weight}. A state owns its tensors: {@link #close()} frees them.
 */
public final class OptimizerState implements AutoCloseable {

    private final String optimizerClass;
    private final Map<String, Long> counters;
    private final Map<String, NDArray> tensors;
    private final NDManager owner;
    private final HostArrayPool pool;

    /**
     * Creates a state that takes ownership of the manager its tensors are attached to.
     *
     * @param optimizerClass the fully qualified class name of the optimizer
     * @param counters named counters
     * @param tensors named tensors, all attached to {@code owner}
     * @param owner the manager closed with this state
     */
    public OptimizerState(
            String optimizerClass,
            Map<String, Long> counters,
            Map<String, NDArray> tensors,
            NDManager owner) {
        this(optimizerClass, counters, tensors, owner, null);
    }

    private OptimizerState(
            String optimizerClass,
            Map<String, Long> counters,
            Map<String, NDArray> tensors,
            NDManager owner,
            HostArrayPool pool) {
        this.optimizerClass = Objects.requireNonNull(optimizerClass, "optimizerClass");
        this.counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.owner = Objects.requireNonNull(owner, "owner");
        this.pool = pool;
    }

    /**
     * Starts a state whose tensors are copied into host memory as they are added.
     *
     * @param optimizerClass the fully qualified class name of the optimizer
     * @return a builder
     */
    public static Builder builder(String optimizerClass) {
        return new Builder(optimizerClass, null);
    }

    /**
     * Starts a state whose tensors are copied into arrays of a pool where it can hold them; closing
     * the snapshot the state belongs to returns them.
     *
     * @param optimizerClass the fully qualified class name of the optimizer
     * @param pool the pool to copy into, or {@code null} for fresh copies
     * @return a builder
     */
    public static Builder builder(String optimizerClass, HostArrayPool pool) {
        return new Builder(optimizerClass, pool);
    }

    /**
     * Returns the fully qualified class name of the optimizer this state belongs to.
     *
     * @return the class name
     */
    public String getOptimizerClass() {
        return optimizerClass;
    }

    /**
     * Returns the counters, by name.
     *
     * @return an unmodifiable map, in insertion order
     */
    public Map<String, Long> getCounters() {
        return counters;
    }

    /**
     * Returns the tensors, by name.
     *
     * @return an unmodifiable map, in insertion order
     */
    public Map<String, NDArray> getTensors() {
        return tensors;
    }

    /**
     * Returns a counter.
     *
     * @param name the counter's name
     * @return its value
     * @throws IncompatibleCheckpointException if the state has no such counter
     */
    public long counter(String name) {
        Long value = counters.get(name);
        if (value == null) {
            throw new IncompatibleCheckpointException(
                    "The state of optimizer " + optimizerClass + " has no counter '" + name + "'");
        }
        return value;
    }

    /** Frees the tensors of this state, returning those taken from a pool to it. */
    @Override
    public void close() {
        try {
            if (pool != null) {
                tensors.values().forEach(pool::release);
            }
        } finally {
            owner.close();
        }
    }

    /** Collects counters and host copies of tensors into an {@link OptimizerState}. */
    public static final class Builder {

        private final String optimizerClass;
        private final Map<String, Long> counters = new LinkedHashMap<>();
        private final Map<String, NDArray> tensors = new LinkedHashMap<>();
        private final NDManager manager;
        private final HostArrayPool pool;
        private boolean finished;

        Builder(String optimizerClass, HostArrayPool pool) {
            this.optimizerClass = Objects.requireNonNull(optimizerClass, "optimizerClass");
            this.manager = NDManager.newBaseManager(Device.cpu());
            this.pool = pool;
        }

        /**
         * Adds a counter.
         *
         * @param name a name unique among the counters
         * @param value the value, not negative
         * @return this builder
         */
        public Builder addCounter(String name, long value) {
            checkOpen();
            if (value < 0) {
                throw new IllegalArgumentException(
                        "Optimizer counter '" + name + "' is negative: " + value);
            }
            if (counters.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("Duplicate optimizer counter '" + name + "'");
            }
            return this;
        }

        /**
         * Adds a copy, in host memory, of a tensor; later changes to {@code array} do not reach the
         * state.
         *
         * @param name a name unique among the tensors
         * @param array the tensor, on any device
         * @return this builder
         */
        public Builder addTensorCopy(String name, NDArray array) {
            checkOpen();
            if (tensors.containsKey(name)) {
                throw new IllegalArgumentException("Duplicate optimizer tensor '" + name + "'");
            }
            NDArray copy = HostCopies.copy(array, manager, pool);
            copy.setName(name);
            tensors.put(name, copy);
            return this;
        }

        /**
         * Builds the state, which owns the copies.
         *
         * @return the state
         * @throws IllegalStateException if the builder was already built or aborted
         */
        public OptimizerState build() {
            checkOpen();
            finished = true;
            return new OptimizerState(optimizerClass, counters, tensors, manager, pool);
        }

        /**
         * Abandons the state: returns the copies taken from the pool to it and frees the others. An
         * adapter whose capture fails after creating the builder calls this before throwing, or the
         * copies (and pooled host memory) are never freed. Has no effect after {@link #build()} or
         * a first {@code abort()}.
         */
        public void abort() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                if (pool != null) {
                    tensors.values().forEach(pool::release);
                }
            } finally {
                tensors.clear();
                manager.close();
            }
        }

        private void checkOpen() {
            if (finished) {
                throw new IllegalStateException(
                        "The optimizer state builder was already built or aborted");
            }
        }
    }
}
