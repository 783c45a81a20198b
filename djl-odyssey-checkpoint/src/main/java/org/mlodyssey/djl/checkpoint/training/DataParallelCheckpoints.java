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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointWriter;
import org.mlodyssey.djl.checkpoint.distributed.DistributedMetadata;
import org.mlodyssey.djl.checkpoint.distributed.Slice;
import org.mlodyssey.djl.checkpoint.distributed.TensorLayout;
import org.mlodyssey.djl.checkpoint.distributed.TensorShard;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.ndarray.UnsafeDTypes;

/**
 * Saves and restores the parameters and optimizer state of a data-parallel DJL {@link Trainer}
 * (several devices, each holding a replica of every parameter and of the optimizer's per-device
 * state) as a distributed checkpoint holding one copy of each: replica 0 of the optimizer state,
 * the parameters' own arrays. Restoring writes that copy into every replica the trainer holds, on
 * however many devices it has, so a run saved on 4 GPUs resumes on 2, on 1 or on the CPU. With
 * several data-parallel processes, each passes its writer: the tensors are replicated on every
 * rank, so rank 0 alone writes them. Optimizers go through {@link OptimizerStateAdapters#builtIn()}
 * (Adam, AdamW, Sgd), whose per-device tensors are named {@code <slot>/<replica>/<parameter>}.
 *
 * <p>Checkpoint tensors: {@code parameters/<name>}, {@code optimizer/<slot>/<parameter>}, {@code
 * optimizer.counter/<name>} (I64 scalars) and {@code optimizer.class} (the optimizer's class name
 * as UTF-8 bytes, U8).
 */
public final class DataParallelCheckpoints {

    static final String PARAMETERS = "parameters/";
    static final String OPTIMIZER = "optimizer/";
    static final String COUNTER = "optimizer.counter/";
    static final String OPTIMIZER_CLASS = "optimizer.class";

    /** {@code <slot>/<replica>/<parameter>}: a per-device optimizer tensor. */
    private static final Pattern REPLICA = Pattern.compile("([^/]+)/(\\d+)/(.+)");

    private DataParallelCheckpoints() {}

    /**
     * Saves one copy of a trainer's parameters and optimizer state.
     *
     * @param trainer the trainer, after at least one step on every device
     * @param writer the writer of this rank (rank 0 of 1 for a single process)
     * @return the committed checkpoint's metadata
     * @throws IOException if saving fails
     */
    public static DistributedMetadata save(Trainer trainer, DistributedCheckpointWriter writer)
            throws IOException {
        ParameterNames names = ParameterNames.of(trainer.getModel().getBlock());
        Optimizer optimizer = DjlInternals.optimizerOf(trainer);
        int[] ranks = new int[writer.worldSize()];
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] = r;
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                OptimizerState state =
                        OptimizerStateAdapters.builtIn()
                                .forOptimizer(optimizer)
                                .capture(optimizer, names, trainer.getDevices())) {
            List<TensorShard> shards = new ArrayList<>();
            for (Map.Entry<String, NDArray> entry :
                    ParameterValues.copyToHost(names, manager).entrySet()) {
                shards.add(shard(PARAMETERS + entry.getKey(), entry.getValue(), ranks));
            }
            for (Map.Entry<String, NDArray> entry : oneReplica(state.getTensors()).entrySet()) {
                shards.add(shard(OPTIMIZER + entry.getKey(), entry.getValue(), ranks));
            }
            for (Map.Entry<String, Long> counter : state.getCounters().entrySet()) {
                ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                value.putLong(0, counter.getValue());
                shards.add(
                        bytes(
                                COUNTER + counter.getKey(),
                                TensorDType.I64,
                                new long[0],
                                value,
                                ranks));
            }
            byte[] type = state.getOptimizerClass().getBytes(StandardCharsets.UTF_8);
            shards.add(
                    bytes(
                            OPTIMIZER_CLASS,
                            TensorDType.U8,
                            new long[] {type.length},
                            ByteBuffer.wrap(type),
                            ranks));
            return writer.save(shards);
        }
    }

    /**
     * Restores a checkpoint of {@link #save} into a trainer on any number of devices: every
     * parameter replica, and the optimizer state copied onto every device.
     *
     * @param trainer the trainer, built with the same model and optimizer settings, after at least
     *     one step (DJL creates the replicas at the first forward pass)
     * @param reader the checkpoint
     * @throws IOException if reading fails
     * @throws ParameterMismatchException if the parameters do not match the model's
     * @throws IncompatibleCheckpointException if the optimizer state does not fit the optimizer
     */
    public static void restore(Trainer trainer, DistributedCheckpointReader reader)
            throws IOException {
        ParameterNames names = ParameterNames.of(trainer.getModel().getBlock());
        Optimizer optimizer = DjlInternals.optimizerOf(trainer);
        Device[] devices = trainer.getDevices();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            Map<String, Long> counters = new LinkedHashMap<>();
            String type = null;
            for (TensorLayout layout : reader.metadata().tensors().values()) {
                String name = layout.name();
                ByteBuffer data = reader.read(name);
                if (name.equals(OPTIMIZER_CLASS)) {
                    type = StandardCharsets.UTF_8.decode(data).toString();
                } else if (name.startsWith(COUNTER)) {
                    counters.put(name.substring(COUNTER.length()), data.getLong(0));
                } else {
                    NDArray array =
                            NDArrayFiles.toNDArray(
                                    name,
                                    Tensor.of(layout.dtype(), layout.shape(), data),
                                    manager,
                                    Device.cpu(),
                                    UnsafeDTypes.FAIL);
                    if (name.startsWith(PARAMETERS)) {
                        parameters.put(name.substring(PARAMETERS.length()), array);
                    } else if (name.startsWith(OPTIMIZER)) {
                        tensors.putAll(
                                allReplicas(
                                        name.substring(OPTIMIZER.length()), array, devices.length));
                    }
                }
            }
            if (type == null) {
                throw new IncompatibleCheckpointException(
                        "the checkpoint has no "
                                + OPTIMIZER_CLASS
                                + ": it is not one of "
                                + DataParallelCheckpoints.class.getSimpleName());
            }
            ParameterValues.load(trainer, parameters, ParameterLoadMode.STRICT);
            NDManager owner = NDManager.newBaseManager(Device.cpu());
            for (NDArray array : tensors.values()) {
                array.attach(owner);
            }
            try (OptimizerState state = new OptimizerState(type, counters, tensors, owner)) {
                OptimizerStateAdapters.builtIn()
                        .forOptimizer(optimizer)
                        .restore(optimizer, state, names, devices, trainer.getManager());
            }
        }
    }

    /** Keeps replica 0 of every per-device tensor, named without its replica. */
    static Map<String, NDArray> oneReplica(Map<String, NDArray> tensors) {
        Map<String, NDArray> one = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            Matcher m = REPLICA.matcher(entry.getKey());
            if (!m.matches()) {
                one.put(entry.getKey(), entry.getValue());
            } else if (m.group(2).equals("0")) {
                one.put(m.group(1) + "/" + m.group(3), entry.getValue());
            }
        }
        return one;
    }

    /** Names one copy of a per-device tensor for every replica of {@code devices} devices. */
    static Map<String, NDArray> allReplicas(String key, NDArray copy, int devices) {
        Map<String, NDArray> all = new LinkedHashMap<>();
        int slash = key.indexOf('/');
        if (slash < 0) {
            all.put(key, copy);
            return all;
        }
        for (int replica = 0; replica < devices; replica++) {
            all.put(
                    key.substring(0, slash) + "/" + replica + key.substring(slash),
                    replica == 0 ? copy : copy.duplicate());
        }
        return all;
    }

    private static TensorShard shard(String name, NDArray array, int[] ranks) {
        Tensor tensor = NDArrayFiles.toTensor(name, array, true);
        try {
            return bytes(name, tensor.dtype(), tensor.shape(), tensor.data(), ranks);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static TensorShard bytes(
            String name, TensorDType dtype, long[] shape, ByteBuffer data, int[] ranks) {
        return TensorShard.replicated(name, dtype, shape, Slice.whole(shape), data, ranks);
    }
}
