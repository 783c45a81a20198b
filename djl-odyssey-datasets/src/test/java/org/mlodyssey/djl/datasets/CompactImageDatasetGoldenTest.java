/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins, bit for bit, the batches a fixed seed gives: shuffled and augmented CIFAR-10 epochs, a
 * resumed epoch, prefetching on an executor, a validation split, a sampler of the caller's, single
 * records and a shuffled, normalised EMNIST epoch. Each digest is the SHA-256 of every batch's
 * float32 data, labels, indices, size and progress, recorded on the code as it stood before the
 * dataset was split into its plan, augmentation and batch assembly; a change of any bit of any
 * batch changes it.
 */
class CompactImageDatasetGoldenTest {

    private static NDManager manager;

    @TempDir Path dir;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    private static final class Digest {
        private final MessageDigest sha;

        Digest() throws Exception {
            sha = MessageDigest.getInstance("SHA-256");
        }

        void add(NDArray array) {
            sha.update(array.getShape().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(array.toByteArray());
        }

        void add(long value) {
            sha.update(ByteBuffer.allocate(8).putLong(value).array());
        }

        void addBatches(Iterable<Batch> batches) {
            for (Batch batch : batches) {
                try (batch) {
                    add(batch.getData().singletonOrThrow());
                    add(batch.getLabels().singletonOrThrow());
                    add(batch.getSize());
                    add(batch.getProgress());
                    for (Object index : batch.getIndices()) {
                        add((Long) index);
                    }
                }
            }
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    private Cifar10.Builder cifar10() {
        return Cifar10.builder().optCheckRecordCounts(false).optDataDir(dir);
    }

    @Test
    void shuffledAugmentedEpochsAndAResumedEpoch() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(6, 5));
        Cifar10 d = cifar10().optAugmentation(true).optSeed(42).setSampling(4, true, false).build();
        Digest digest = new Digest();
        digest.addBatches(d.getData(manager));
        digest.addBatches(d.getData(manager));
        d.setPosition(5, 3);
        digest.addBatches(d.getData(manager));
        assertEquals(
                "710b309d0105ce782fb44fe9a59b0991c73b97c04fa9a1f1afa661b840d2115e", digest.hex());
    }

    @Test
    void prefetchedOnAnExecutor() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(6, 5));
        Cifar10 d =
                cifar10()
                        .optAugmentation(true)
                        .optSeed(7)
                        .optPrefetchNumber(3)
                        .setSampling(7, true, true)
                        .build();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Digest digest = new Digest();
        try {
            digest.addBatches(d.getData(manager, executor));
            digest.addBatches(d.getData(manager, executor));
        } finally {
            executor.shutdownNow();
        }
        assertEquals(
                "690f79cbc8e90bc3bc78ebf2036acebf00de481d40e4d63aae4534686226e9ed", digest.hex());
    }

    @Test
    void validationSplitSamplerAndRecords() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(6, 5));
        Digest digest = new Digest();
        Cifar10 validation =
                cifar10()
                        .optUsage(Usage.VALIDATION)
                        .optValidationSplit(9, 3)
                        .setSampling(4, false, true)
                        .build();
        digest.addBatches(validation.getData(manager));
        Cifar10 train =
                cifar10()
                        .optValidationSplit(9, 3)
                        .optAugmentation(true)
                        .optSeed(3)
                        .setSampling(new BatchSampler(new SequenceSampler(), 5, false))
                        .build();
        train.prepare();
        train.setEpoch(2);
        digest.addBatches(train.getData(manager, new BatchSampler(new SequenceSampler(), 5)));
        for (long i : new long[] {0, 7, 20}) {
            Record r = train.get(manager, i);
            digest.add(r.getData().singletonOrThrow());
            digest.add(r.getLabels().singletonOrThrow());
            r.getData().close();
            r.getLabels().close();
        }
        assertEquals(
                "6c4dd06b3ab1135cba618d87a140ef14be02442fd5cc1ee37d330e9755f011f8", digest.hex());
    }

    @Test
    void shuffledNormalisedEmnist() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 13, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist d =
                Emnist.builder()
                        .optDataDir(dir)
                        .optSplit(Emnist.Split.DIGITS)
                        .optSeed(99)
                        .setSampling(5, true)
                        .build();
        Digest digest = new Digest();
        digest.addBatches(d.getData(manager));
        digest.addBatches(d.getData(manager));
        assertEquals(
                "c471a1269f814ad7ed36e1892c40997094146d5c2340ad4b0f562044b7b41e00", digest.hex());
    }
}
