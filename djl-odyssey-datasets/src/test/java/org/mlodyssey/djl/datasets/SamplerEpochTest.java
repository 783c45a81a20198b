/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomSampler;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.dataset.SequenceSampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which {@code getData} calls advance the epoch: whole-epoch calls (EasyTrain, {@code
 * Trainer.iterateDataset}) do, calls given a sampler (a loop loading batch by batch) do not.
 */
class SamplerEpochTest {

    @TempDir Path dir;

    private Cifar10 augmented() {
        return Cifar10.builder()
                .optCheckRecordCounts(false)
                .optDataDir(dir)
                .optAugmentation(true)
                .optSeed(5)
                .setSampling(4, false)
                .build();
    }

    private static List<float[]> images(Iterable<Batch> batches) {
        List<float[]> images = new ArrayList<>();
        for (Batch batch : batches) {
            try (batch) {
                float[] all = batch.getData().singletonOrThrow().toFloatArray();
                int per = all.length / batch.getSize();
                for (int i = 0; i < batch.getSize(); i++) {
                    images.add(Arrays.copyOfRange(all, i * per, (i + 1) * per));
                }
            }
        }
        return images;
    }

    @Test
    void samplerDrivenCallsUseTheCurrentEpochWithoutAdvancingIt() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 1));
        Sampler inOrder = new BatchSampler(new SequenceSampler(), 4);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (NDManager manager = NDManager.newBaseManager()) {
            Cifar10 wholeEpochs = augmented();
            wholeEpochs.setEpoch(3);
            List<float[]> epoch3 = images(wholeEpochs.getData(manager));
            assertEquals(4, wholeEpochs.getEpoch(), "a whole-epoch call advances the epoch");
            List<float[]> epoch4 = images(wholeEpochs.getData(manager, executor));
            assertEquals(5, wholeEpochs.getEpoch(), "with an executor too");

            Cifar10 batchByBatch = augmented();
            batchByBatch.setEpoch(3);
            List<float[]> first = images(batchByBatch.getData(manager, inOrder));
            List<float[]> again = images(batchByBatch.getData(manager, inOrder, executor));
            assertEquals(3, batchByBatch.getEpoch(), "sampler-driven calls leave the epoch");
            assertEquals(10, first.size());
            boolean epochsDiffer = false;
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(epoch3.get(i), first.get(i), "image " + i + ", epoch 3");
                assertArrayEquals(epoch3.get(i), again.get(i), "image " + i + ", second call");
                epochsDiffer |= !Arrays.equals(epoch3.get(i), epoch4.get(i));
            }
            assertTrue(epochsDiffer, "epoch 4 draws other augmentations than epoch 3");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aCustomSamplerIsNotPositionableMidEpochAndAFailedPositionNamesTheDataset()
            throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 1));
        assertTrue(augmented().isPositionableMidEpoch(), "its own seeded sampling");
        Cifar10 custom =
                Cifar10.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .setSampling(new BatchSampler(new RandomSampler(), 4))
                        .build();
        assertFalse(custom.isPositionableMidEpoch(), "DJL's RandomSampler draws its own order");
        Cifar10 positioned = augmented();
        positioned.setPosition(0, 99);
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> positioned.getData(manager));
            assertTrue(e.getMessage().contains("Cifar10"), e.getMessage());
        }
    }
}
