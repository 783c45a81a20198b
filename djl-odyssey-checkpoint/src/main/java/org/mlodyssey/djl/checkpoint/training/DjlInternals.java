/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.evaluator.AbstractAccuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EpochTrainingListener;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.AbstractCompositeLoss;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The only place that reaches into DJL's private fields.
 *
 * <p>DJL 0.36 keeps everything a resume needs out of its public API: the optimizer state, the
 * update counters, the trainer's parameter replicas and the dataset's sampler. Every access goes
 * through {@link #read} and {@link #write}, which fail with an {@link IllegalStateException} naming
 * the DJL class and field when DJL changes shape, rather than silently capturing nothing. {@code
 * DjlInternalsTest} pins every field used here.
 */
final class DjlInternals {

    private DjlInternals() {}

    /**
     * Returns the optimizer a trainer updates its parameters with.
     *
     * @param trainer the trainer
     * @return its optimizer
     * @throws IllegalStateException if the trainer does not use DJL's local parameter server
     */
    static Optimizer optimizerOf(Trainer trainer) {
        ParameterStore store = parameterStoreOf(trainer);
        ParameterServer server = read(ParameterStore.class, "parameterServer", store);
        if (!(server instanceof LocalParameterServer)) {
            throw new IllegalStateException(
                    "The trainer's parameter server is "
                            + (server == null ? "null" : server.getClass().getName())
                            + ", not ai.djl.training.LocalParameterServer: its optimizer cannot be"
                            + " reached for a checkpoint");
        }
        return read(LocalParameterServer.class, "optimizer", server);
    }

    /**
     * Returns the arrays the trainer trains for one parameter, one per training device (in the
     * store's own order, which DJL fills by iterating a hash map); empty before the first forward
     * pass.
     *
     * @param trainer the trainer
     * @param parameterId the parameter's id ({@link ai.djl.nn.Parameter#getId()})
     * @return the replicas, possibly empty
     */
    static List<NDArray> replicasOf(Trainer trainer, String parameterId) {
        ParameterStore store = parameterStoreOf(trainer);
        Map<String, Object> parameterMap = read(ParameterStore.class, "parameterMap", store);
        Object data = parameterMap.get(parameterId);
        if (data == null) {
            return List.of();
        }
        List<NDArray> list = read(data.getClass(), "list", data);
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /**
     * Returns the live per-parameter update counters of an optimizer, keyed by parameter id.
     *
     * @param optimizer the optimizer
     * @return the live map (mutations are seen by the optimizer)
     */
    static Map<String, Integer> updateCounts(Optimizer optimizer) {
        return read(Optimizer.class, "updateCounts", optimizer);
    }

    /**
     * Returns the global update count of an optimizer.
     *
     * @param optimizer the optimizer
     * @return the largest update count so far
     */
    static int numUpdate(Optimizer optimizer) {
        Integer value = read(Optimizer.class, "numUpdate", optimizer);
        return value;
    }

    /**
     * Sets the global update count of an optimizer.
     *
     * @param optimizer the optimizer
     * @param numUpdate the value to set
     */
    static void setNumUpdate(Optimizer optimizer, int numUpdate) {
        write(Optimizer.class, "numUpdate", optimizer, numUpdate);
    }

    /**
     * Returns the momentum of an {@link Sgd}; with 0, it keeps no {@code momentumStates}.
     *
     * @param sgd the optimizer
     * @return its momentum
     */
    static float momentumOf(Sgd sgd) {
        Float momentum = read(Sgd.class, "momentum", sgd);
        return momentum;
    }

    /**
     * Returns one live state map of a built-in optimizer (parameter id to device to array).
     *
     * @param declaringClass the optimizer class that declares the field
     * @param fieldName the field, e.g. {@code means}
     * @param optimizer the optimizer
     * @return the live map
     */
    static Map<String, Map<Device, NDArray>> stateMap(
            Class<? extends Optimizer> declaringClass, String fieldName, Optimizer optimizer) {
        return read(declaringClass, fieldName, optimizer);
    }

    /**
     * Returns the sampler a dataset was built with.
     *
     * @param dataset the dataset
     * @return its sampler
     */
    static Sampler samplerOf(RandomAccessDataset dataset) {
        Sampler sampler = read(RandomAccessDataset.class, "sampler", dataset);
        if (sampler == null) {
            throw new IllegalStateException(
                    "Dataset " + dataset.getClass().getName() + " has no sampler");
        }
        return sampler;
    }

    /**
     * Returns an evaluator's running totals (DJL's accumulators), by field: {@code totalInstances}
     * of every evaluator, {@code correctInstances} of an accuracy, {@code totalLoss} of a loss, and
     * those of each component of a composite loss (which delegates its totals to them), as {@code
     * components.<i>.<field>}.
     *
     * @param evaluator the evaluator
     * @return the live maps, by field name, from accumulator key to total
     * @throws UnsupportedEvaluatorException if the evaluator keeps totals in state of its own
     */
    static Map<String, Map<String, Number>> accumulatorsOf(Evaluator evaluator) {
        Map<String, Map<String, Number>> maps = new LinkedHashMap<>();
        addAccumulators(evaluator, "", maps);
        return maps;
    }

    private static void addAccumulators(
            Evaluator evaluator, String prefix, Map<String, Map<String, Number>> maps) {
        String ownState = OWN_STATE.computeIfAbsent(evaluator.getClass(), DjlInternals::ownState);
        if (!ownState.isEmpty()) {
            throw new UnsupportedEvaluatorException(
                    evaluator.getName(), evaluator.getClass(), ownState);
        }
        maps.put(prefix + "totalInstances", read(Evaluator.class, "totalInstances", evaluator));
        if (evaluator instanceof AbstractAccuracy) {
            maps.put(
                    prefix + "correctInstances",
                    read(AbstractAccuracy.class, "correctInstances", evaluator));
        }
        if (evaluator instanceof Loss) {
            maps.put(prefix + "totalLoss", read(Loss.class, "totalLoss", evaluator));
        }
        if (evaluator instanceof AbstractCompositeLoss) {
            List<Loss> components = read(AbstractCompositeLoss.class, "components", evaluator);
            for (int i = 0; i < components.size(); i++) {
                addAccumulators(components.get(i), prefix + "components." + i + ".", maps);
            }
        }
    }

    /** By evaluator class: its field of state of its own, or empty. */
    private static final Map<Class<?>, String> OWN_STATE = new ConcurrentHashMap<>();

    /**
     * The first instance field, declared below DJL's evaluator base classes, that can hold running
     * totals (a map, a collection other than an {@code NDList}, an evaluator), as {@code
     * Class.field}; empty if none.
     */
    private static String ownState(Class<?> type) {
        for (Class<?> c = type;
                c != null
                        && c != Evaluator.class
                        && c != Loss.class
                        && c != AbstractAccuracy.class
                        && c != AbstractCompositeLoss.class;
                c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Class<?> t = field.getType();
                if (!Modifier.isStatic(field.getModifiers())
                        && (Map.class.isAssignableFrom(t)
                                || (Collection.class.isAssignableFrom(t)
                                        && !NDList.class.isAssignableFrom(t))
                                || Evaluator.class.isAssignableFrom(t))) {
                    return c.getName() + "." + field.getName();
                }
            }
        }
        return "";
    }

    /**
     * Sets the epochs DJL's epoch listener counted, which {@code Trainer.getTrainingResult()} and
     * the model's {@code Epoch} property report.
     *
     * @param listener DJL's epoch listener
     * @param epochs the epochs done
     */
    static void setNumEpochs(EpochTrainingListener listener, int epochs) {
        write(EpochTrainingListener.class, "numEpochs", listener, epochs);
    }

    /**
     * Sets the evaluations DJL's evaluator listener reports as the latest epoch's.
     *
     * @param listener DJL's evaluator listener
     * @param evaluations the evaluations, by DJL's metric name
     */
    static void setLatestEvaluations(
            EvaluatorTrainingListener listener, Map<String, Float> evaluations) {
        write(
                EvaluatorTrainingListener.class,
                "latestEvaluations",
                listener,
                new LinkedHashMap<>(evaluations));
    }

    private static ParameterStore parameterStoreOf(Trainer trainer) {
        return read(Trainer.class, "parameterStore", trainer);
    }

    @SuppressWarnings("unchecked")
    static <T> T read(Class<?> declaringClass, String fieldName, Object target) {
        Field field = field(declaringClass, fieldName);
        try {
            return (T) field.get(target);
        } catch (IllegalAccessException e) {
            throw changed(declaringClass, fieldName, e);
        }
    }

    static void write(Class<?> declaringClass, String fieldName, Object target, Object value) {
        Field field = field(declaringClass, fieldName);
        try {
            field.set(target, value);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw changed(declaringClass, fieldName, e);
        }
    }

    /** Fields looked up once: the evaluators' totals are read at every step. */
    private static final Map<String, Field> FIELDS = new ConcurrentHashMap<>();

    private static Field field(Class<?> declaringClass, String fieldName) {
        String key = declaringClass.getName() + '#' + fieldName;
        Field cached = FIELDS.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            Field field = declaringClass.getDeclaredField(fieldName);
            field.setAccessible(true);
            FIELDS.put(key, field);
            return field;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw changed(declaringClass, fieldName, e);
        }
    }

    private static IllegalStateException changed(
            Class<?> declaringClass, String fieldName, Exception cause) {
        return new IllegalStateException(
                "Cannot access private field "
                        + declaringClass.getName()
                        + "."
                        + fieldName
                        + ": this DJL version ("
                        + djlVersion()
                        + ") differs from the 0.36 layout training checkpoints rely on",
                cause);
    }

    private static String djlVersion() {
        try {
            return Engine.getDjlVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
