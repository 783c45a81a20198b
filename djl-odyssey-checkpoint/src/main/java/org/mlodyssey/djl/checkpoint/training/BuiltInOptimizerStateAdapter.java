/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.mlodyssey.djl.checkpoint.internal.HostArrayPool;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;

/**
 * State of DJL's {@link Adam}, {@link AdamW} and {@link Sgd} (with or without momentum).
 *
 * <p>Counters: {@code numUpdate} (the global update count learning-rate trackers are given) and
 * {@code updateCount/<parameter>}. Tensors: {@code <slot>/<replica>/<parameter>}, where slot is
 * {@code means} or {@code variances} (Adam, AdamW) or {@code momentumStates} (Sgd) and replica is
 * the index of the device in the trainer's device list. Only these exact classes are supported: a
 * subclass may keep state of its own.
 */
final class BuiltInOptimizerStateAdapter implements OptimizerStateAdapter {

    static final String NUM_UPDATE = "numUpdate";
    static final String UPDATE_COUNT_PREFIX = "updateCount/";

    private static final Map<Class<? extends Optimizer>, List<String>> SLOTS =
            Map.of(
                    Adam.class, List.of("means", "variances"),
                    AdamW.class, List.of("means", "variances"),
                    Sgd.class, List.of("momentumStates"));

    /** {@inheritDoc} */
    @Override
    public boolean supports(Optimizer optimizer) {
        return SLOTS.containsKey(optimizer.getClass());
    }

    /** {@inheritDoc} */
    @Override
    public OptimizerState capture(Optimizer optimizer, ParameterNames names, Device[] devices) {
        return capture(optimizer, names, devices, null);
    }

    /** {@inheritDoc} */
    @Override
    public OptimizerState capture(
            Optimizer optimizer, ParameterNames names, Device[] devices, HostArrayPool pool) {
        Class<? extends Optimizer> type = checkedType(optimizer);
        OptimizerState.Builder builder = OptimizerState.builder(type.getName(), pool);
        try {
            builder.addCounter(NUM_UPDATE, DjlInternals.numUpdate(optimizer));
            Map<String, Integer> counts = DjlInternals.updateCounts(optimizer);
            for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
                Integer count = counts.get(entry.getValue().getId());
                if (count != null) {
                    builder.addCounter(UPDATE_COUNT_PREFIX + entry.getKey(), count);
                }
            }
            checkNoStrangers(counts.keySet(), names, type, "updateCounts");
            for (String slot : SLOTS.get(type)) {
                Map<String, Map<Device, NDArray>> states =
                        DjlInternals.stateMap(type, slot, optimizer);
                checkNoStrangers(states.keySet(), names, type, slot);
                for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
                    Map<Device, NDArray> perDevice = states.get(entry.getValue().getId());
                    if (perDevice == null) {
                        continue;
                    }
                    for (int i = 0; i < devices.length; i++) {
                        NDArray array = perDevice.get(devices[i]);
                        if (array != null) {
                            builder.addTensorCopy(tensorName(slot, i, entry.getKey()), array);
                        }
                    }
                    for (Device device : perDevice.keySet()) {
                        if (!List.of(devices).contains(device)) {
                            throw new IllegalStateException(
                                    type.getName()
                                            + "."
                                            + slot
                                            + " holds state for parameter '"
                                            + entry.getKey()
                                            + "' on "
                                            + device
                                            + ", which is not one of the trainer's devices "
                                            + List.of(devices));
                        }
                    }
                }
            }
            return builder.build();
        } catch (RuntimeException e) {
            builder.abort();
            throw e;
        }
    }

    /** {@inheritDoc} */
    @Override
    public void restore(
            Optimizer optimizer,
            OptimizerState state,
            ParameterNames names,
            Device[] devices,
            NDManager manager) {
        Class<? extends Optimizer> type = checkedType(optimizer);
        if (!type.getName().equals(state.getOptimizerClass())) {
            throw new IncompatibleCheckpointException(
                    "The checkpoint holds the state of optimizer "
                            + state.getOptimizerClass()
                            + ", the trainer uses "
                            + type.getName());
        }
        List<String> slots = SLOTS.get(type);
        // Validate everything before changing anything.
        Map<String, Integer> counts = new HashMap<>();
        for (Map.Entry<String, Long> counter : state.getCounters().entrySet()) {
            String key = counter.getKey();
            if (key.equals(NUM_UPDATE)) {
                continue;
            }
            if (!key.startsWith(UPDATE_COUNT_PREFIX)) {
                throw new IncompatibleCheckpointException(
                        "Unknown counter '"
                                + key
                                + "' in the state of optimizer "
                                + type.getName());
            }
            String name = key.substring(UPDATE_COUNT_PREFIX.length());
            knownParameter(names, name, key);
            counts.put(name, toInt(key, counter.getValue()));
        }
        int numUpdate = toInt(NUM_UPDATE, state.counter(NUM_UPDATE));
        // Parse and check every tensor (names, replicas, shapes) before copying any.
        Map<String, Map<String, Set<Integer>>> present = new HashMap<>();
        for (String slot : slots) {
            present.put(slot, new HashMap<>());
        }
        for (Map.Entry<String, NDArray> tensor : state.getTensors().entrySet()) {
            String key = tensor.getKey();
            String[] parts = key.split("/", 3);
            if (parts.length != 3 || !slots.contains(parts[0])) {
                throw new IncompatibleCheckpointException(
                        "Unknown tensor '"
                                + key
                                + "' in the state of optimizer "
                                + type.getName()
                                + " (expected <slot>/<replica>/<parameter> with slot in "
                                + slots
                                + ")");
            }
            int replica = replicaIndex(key, parts[1], devices);
            Parameter parameter = knownParameter(names, parts[2], key);
            NDArray value = tensor.getValue();
            NDArray weight = parameter.getArray();
            if (!value.getShape().equals(weight.getShape())
                    || value.getDataType() != weight.getDataType()) {
                throw new IncompatibleCheckpointException(
                        "Optimizer tensor '"
                                + key
                                + "' is "
                                + value.getDataType()
                                + value.getShape()
                                + " but parameter '"
                                + parts[2]
                                + "' is "
                                + weight.getDataType()
                                + weight.getShape());
            }
            present.get(parts[0]).computeIfAbsent(parts[2], k -> new TreeSet<>()).add(replica);
        }
        checkComplete(optimizer, type, slots, present, counts.keySet(), names, devices.length);
        Map<String, Map<String, Map<Device, NDArray>>> restored = new HashMap<>();
        for (String slot : slots) {
            restored.put(slot, new HashMap<>());
        }
        List<NDArray> created = new ArrayList<>();
        try {
            for (Map.Entry<String, NDArray> tensor : state.getTensors().entrySet()) {
                String[] parts = tensor.getKey().split("/", 3);
                int replica = Integer.parseInt(parts[1]);
                Parameter parameter = names.parameters().get(parts[2]);
                NDArray copy = copyOnto(tensor.getValue(), devices[replica], manager);
                created.add(copy);
                restored.get(parts[0])
                        .computeIfAbsent(parameter.getId(), k -> new ConcurrentHashMap<>())
                        .put(devices[replica], copy);
            }
        } catch (RuntimeException e) {
            created.forEach(NDArray::close);
            throw e;
        }
        Map<String, Integer> liveCounts = DjlInternals.updateCounts(optimizer);
        liveCounts.clear();
        counts.forEach(
                (name, count) -> liveCounts.put(names.parameters().get(name).getId(), count));
        DjlInternals.setNumUpdate(optimizer, numUpdate);
        for (String slot : slots) {
            Map<String, Map<Device, NDArray>> live = DjlInternals.stateMap(type, slot, optimizer);
            live.clear();
            live.putAll(restored.get(slot));
        }
    }

    /**
     * Checks that the state is whole: DJL creates a parameter's update count and its state in every
     * slot, on every device, in the same update (Sgd keeps no state without momentum), so each
     * parameter has all of them or none. A partial state would restart the missing moments from
     * zero: not an exact resume.
     */
    private static void checkComplete(
            Optimizer optimizer,
            Class<? extends Optimizer> type,
            List<String> slots,
            Map<String, Map<String, Set<Integer>>> present,
            Set<String> counted,
            ParameterNames names,
            int replicas) {
        boolean stateless = type == Sgd.class && DjlInternals.momentumOf((Sgd) optimizer) == 0f;
        if (stateless) {
            for (String slot : slots) {
                if (!present.get(slot).isEmpty()) {
                    throw new IncompatibleCheckpointException(
                            "The state of optimizer "
                                    + type.getName()
                                    + " has "
                                    + slot
                                    + " for "
                                    + present.get(slot).keySet()
                                    + ", but the trainer's optimizer has no momentum");
                }
            }
            return;
        }
        Set<String> missing = new LinkedHashSet<>();
        for (String name : names.parameters().keySet()) {
            boolean hasState = counted.contains(name);
            for (String slot : slots) {
                hasState |= present.get(slot).containsKey(name);
            }
            if (!hasState) {
                continue; // never updated: DJL creates its state at its first update
            }
            if (!counted.contains(name)) {
                missing.add(UPDATE_COUNT_PREFIX + name);
            }
            for (String slot : slots) {
                Set<Integer> have = present.get(slot).getOrDefault(name, Set.of());
                for (int i = 0; i < replicas; i++) {
                    if (!have.contains(i)) {
                        missing.add(tensorName(slot, i, name));
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IncompatibleCheckpointException(
                    "The state of optimizer "
                            + type.getName()
                            + " is incomplete for "
                            + replicas
                            + " device(s): missing "
                            + missing
                            + " (a parameter has an update count and state in every slot on"
                            + " every device, or none)");
        }
    }

    static String tensorName(String slot, int replica, String parameterName) {
        return slot + "/" + replica + "/" + parameterName;
    }

    private static NDArray copyOnto(NDArray value, Device device, NDManager manager) {
        NDArray copy;
        if (value.getDevice().equals(device)) {
            copy = value.duplicate();
        } else {
            copy = value.toDevice(device, true);
        }
        copy.attach(manager);
        return copy;
    }

    private static Class<? extends Optimizer> checkedType(Optimizer optimizer) {
        Class<? extends Optimizer> type = optimizer.getClass();
        if (!SLOTS.containsKey(type)) {
            throw new UnsupportedOptimizerException(type);
        }
        return type;
    }

    private static Parameter knownParameter(ParameterNames names, String name, String key) {
        if (!names.contains(name)) {
            throw new IncompatibleCheckpointException(
                    "Optimizer state '"
                            + key
                            + "' is for parameter '"
                            + name
                            + "', which the model does not have");
        }
        return names.parameters().get(name);
    }

    private static int replicaIndex(String key, String text, Device[] devices) {
        int replica;
        try {
            replica = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            replica = -1;
        }
        if (replica < 0 || replica >= devices.length) {
            throw new IncompatibleCheckpointException(
                    "Optimizer tensor '"
                            + key
                            + "' is for replica "
                            + text
                            + " but the trainer has "
                            + devices.length
                            + " device(s) "
                            + List.of(devices));
        }
        return replica;
    }

    private static int toInt(String key, long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IncompatibleCheckpointException(
                    "Optimizer counter '" + key + "' is out of range: " + value);
        }
        return (int) value;
    }

    private static void checkNoStrangers(
            Iterable<String> ids, ParameterNames names, Class<?> type, String field) {
        for (String id : ids) {
            // Throws, naming the id, when the optimizer updated a parameter the model lacks.
            try {
                names.nameOf(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        type.getName()
                                + "."
                                + field
                                + " holds state for parameter id '"
                                + id
                                + "', which is not a parameter of the model",
                        e);
            }
        }
    }
}
