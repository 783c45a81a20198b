/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.training.EasyTrain;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/** The listener writes compressed checkpoints when its write options ask for them. */
class CompressedListenerTest {

    @Test
    void asynchronousListenerWritesCompressedCheckpointsThatRestoreExactly(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optAsync(true)
                        .optWriteOptions(
                                WriteOptions.builder().optCompression(Compression.zstd(19)).build())
                        .build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, listener)) {
            EasyTrain.fit(run.trainer(), 2, run.dataset(), run.validation());
            TrainingProgress end = new TrainingProgress(0, 2, 0, 14, List.of());
            try (TrainingSnapshot live = run.snapshot(end)) {
                run.trainer().close(); // waits for the writes
                TrainingCheckpoint last = CheckpointDirectories.findLatestValid(root).orElseThrow();
                try (TensorFileReader reader =
                        TensorFileReader.open(
                                last.getDirectory().resolve(TrainingCheckpoint.OPTIMIZER_FILE))) {
                    assertEquals(FormatKeys.COMPRESSED_VERSION, reader.formatVersion());
                }
                try (TrainingSnapshot disk = last.loadSnapshot()) {
                    TinyTraining.assertTensorsIdentical(
                            live.getParameters(), disk.getParameters(), "parameter");
                    TinyTraining.assertTensorsIdentical(
                            live.getOptimizerState().getTensors(),
                            disk.getOptimizerState().getTensors(),
                            "optimizer tensor");
                }
            }
        }
    }
}
