/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Times a training checkpoint of an Adam-trained three-layer dense model (not a test): capture
 * (host copy, the only part on the training thread), save and commit, open and verify, restore.
 *
 * <p>Run after {@code mvn -B -o -q test-compile -pl djl-odyssey-checkpoint} with the module's test
 * class path: {@code java -Dai.djl.pytorch.num_threads=1 -cp <test class path>
 * org.mlodyssey.djl.checkpoint.training.CheckpointTimingMain 5000}. The argument is the layer
 * width; 5000 gives 50 M parameters and, with Adam's two moments, a 600 MB checkpoint.
 */
public final class CheckpointTimingMain {

    private CheckpointTimingMain() {}

    /**
     * Runs three timed rounds.
     *
     * @param args the layer width
     * @throws Exception if training or I/O fails
     */
    public static void main(String[] args) throws Exception {
        int width = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path root = Files.createTempDirectory("training-checkpoint-timing");
        try (Model model = Model.newInstance("timing", Device.cpu());
                NDManager data = NDManager.newBaseManager(Device.cpu())) {
            model.setBlock(
                    new SequentialBlock()
                            .add(Linear.builder().setUnits(width).build())
                            .add(Linear.builder().setUnits(width).build())
                            .add(Linear.builder().setUnits(1).build()));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.l2Loss())
                            .optOptimizer(Optimizer.adam().build())
                            .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(2, width));
                ArrayDataset dataset =
                        new ArrayDataset.Builder()
                                .setData(data.ones(new Shape(2, width)))
                                .optLabels(data.ones(new Shape(2, 1)))
                                .setSampling(2, false)
                                .build();
                ResumableTrainingLoop.builder()
                        .optStopAfterStep(1)
                        .build()
                        .fit(trainer, 1, dataset, null, TrainingProgress.start(1));
                long parameters = 0;
                for (Pair<String, Parameter> pair : model.getBlock().getParameters()) {
                    parameters += pair.getValue().getArray().size();
                }
                for (int round = 0; round < 3; round++) {
                    TrainingProgress progress = new TrainingProgress(1, 0, round, round, List.of());
                    long t0 = System.nanoTime();
                    Path dir;
                    long t1;
                    try (TrainingSnapshot snapshot = TrainingSnapshot.capture(trainer, progress)) {
                        t1 = System.nanoTime();
                        dir = TrainingCheckpoints.save(root, snapshot, Map.of());
                    }
                    long t2 = System.nanoTime();
                    TrainingCheckpoint checkpoint = TrainingCheckpoint.open(dir);
                    long t3 = System.nanoTime();
                    checkpoint.restoreInto(trainer);
                    long t4 = System.nanoTime();
                    System.out.printf(
                            "%d parameters, checkpoint %.0f MB: capture %.0f ms, save+commit %.0f"
                                    + " ms, open+verify %.0f ms, restore %.0f ms%n",
                            parameters,
                            sizeOf(dir) / 1e6,
                            (t1 - t0) / 1e6,
                            (t2 - t1) / 1e6,
                            (t3 - t2) / 1e6,
                            (t4 - t3) / 1e6);
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        long bytes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                bytes += Files.size(file);
            }
        }
        return bytes;
    }
}
