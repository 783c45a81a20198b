/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.listener.CheckpointWriteException;
import org.mlodyssey.djl.checkpoint.listener.FailurePolicy;
import org.mlodyssey.djl.checkpoint.listener.ResumableTraining;
import org.mlodyssey.djl.checkpoint.listener.SavedCheckpoint;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.StoreLease;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectoryLockedException;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.checkpoint.training.TrainingSnapshot;

/**
 * The checkpoint listener on an {@code s3://} location of a real S3Proxy on 127.0.0.1, under DJL's
 * {@code EasyTrain.fit} (TinyTraining: 7 steps per epoch, 3 epochs, a save every 4 steps).
 */
class S3CheckpointListenerTest extends S3ProxyTestBase {

    private static final TrainingProgress END = new TrainingProgress(0, 3, 0, 21, List.of());

    private String location() {
        return "s3://" + bucket + "/runs/tiny";
    }

    private S3StoreOptions options() {
        return LoopbackS3Server.options(proxy.endpoint()).optMaxAttempts(2).build();
    }

    private S3CheckpointStore store() {
        return S3CheckpointStore.open(location(), options());
    }

    private CheckpointListener.Builder every4InBucket() {
        return CheckpointListener.builder()
                .setLocation(location())
                .optS3Options(options())
                .optLease(Duration.ofSeconds(3))
                .optEverySteps(4)
                .optSeed(TinyTraining.RUN_SEED);
    }

    private static String name(long step, int epoch, int batch) {
        return CheckpointDirectories.directoryName(
                new TrainingProgress(0, epoch, batch, step, List.of()));
    }

    /** Throws in the {@code n}-th training batch, after its forward pass, before its step. */
    private static TrainingListener crashAtBatch(int n) {
        return new TrainingListenerAdapter() {
            private int batches;

            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                if (++batches == n) {
                    throw new IllegalStateException("crash at batch " + n);
                }
            }
        };
    }

    /** Trains 3 epochs uninterrupted into a local directory; returns the final state. */
    private static TrainingSnapshot uninterruptedOnDisk(Path root) throws Exception {
        CheckpointListener listener =
                CheckpointListener.builder()
                        .setDirectory(root)
                        .optEverySteps(4)
                        .optSeed(TinyTraining.RUN_SEED)
                        .build();
        return fit(listener, 1);
    }

    private static TrainingSnapshot fit(CheckpointListener listener, int initSeed)
            throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, initSeed, true, listener)) {
            ResumableTraining.fit(run.trainer(), 3, run.positionableDataset(), run.validation());
            TrainingSnapshot end = run.snapshot(END);
            run.trainer().close();
            listener.close();
            return end;
        }
    }

    private static void crash(CheckpointListener listener, int batch) {
        try (TinyTraining run =
                new TinyTraining(OptimizerKind.ADAM, 1, true, listener, crashAtBatch(batch))) {
            assertThrows(
                    IllegalStateException.class,
                    () ->
                            ResumableTraining.fit(
                                    run.trainer(), 3, run.positionableDataset(), run.validation()));
        }
        listener.close();
    }

    /** The checkpoint names that have a manifest in the bucket. */
    private TreeSet<String> committed() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (S3CheckpointStore store = store()) {
            for (StoredObject object : store.list("")) {
                if (object.key().endsWith("/manifest.json")) {
                    names.add(object.key().substring(0, object.key().indexOf('/')));
                }
            }
        }
        return names;
    }

    @Test
    void aRunCrashedAndResumedFromTheBucketEndsBitIdenticalToALocalRunAndRetentionDeletes(
            @TempDir Path dir) throws Exception {
        try (TrainingSnapshot expected = uninterruptedOnDisk(dir.resolve("local"))) {
            // Batch 12 is epoch 1's fifth: the newest save is step 8's.
            crash(every4InBucket().optKeepLast(1).build(), 12);
            assertEquals(new TreeSet<>(List.of(name(8, 1, 1))), committed());

            CheckpointListener second = every4InBucket().optKeepLast(1).build();
            try (TrainingSnapshot actual = fit(second, 2)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
            assertEquals(
                    new TreeSet<>(List.of(name(8, 1, 1), name(21, 3, 0))),
                    committed(),
                    "keep the last one, and never the one the run resumed from");
            try (S3CheckpointStore store = store()) {
                assertEquals(
                        name(21, 3, 0) + "\n",
                        new String(readAll(store, "latest"), StandardCharsets.UTF_8));
                assertTrue(store.stat(".lock").isEmpty(), "the lease is released");
                assertEquals(List.of(), store.listIncompleteUploads(""));
            }
        }
    }

    @Test
    void aCompressedRunCrashedAndResumedFromTheBucketEndsBitIdenticalToALocalRun(@TempDir Path dir)
            throws Exception {
        WriteOptions zstd = WriteOptions.builder().optCompression(Compression.zstd(19)).build();
        try (TrainingSnapshot expected = uninterruptedOnDisk(dir.resolve("local"))) {
            crash(every4InBucket().optWriteOptions(zstd).build(), 12);
            assertEquals(name(8, 1, 1), committed().last());
            try (S3CheckpointStore store = store()) {
                for (String file : List.of("optimizer.safetensors")) {
                    String key = name(8, 1, 1) + "/" + file;
                    try (TensorFileReader reader = StoredNDArrays.open(store, key)) {
                        assertEquals(2, reader.formatVersion(), key + " is compressed");
                    }
                }
                assertEquals(List.of(), store.listIncompleteUploads(""));
            }
            try (TrainingSnapshot actual = fit(every4InBucket().optWriteOptions(zstd).build(), 2)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
        }
    }

    @Test
    void aRunResumesFromOneCheckpointInABucketIntoAnotherPrefix(@TempDir Path dir)
            throws Exception {
        try (TrainingSnapshot expected = uninterruptedOnDisk(dir.resolve("local"))) {
            crash(every4InBucket().build(), 12);
            List<SavedCheckpoint> saved = new ArrayList<>();
            CheckpointListener elsewhere =
                    CheckpointListener.builder()
                            .setLocation("s3://" + bucket + "/runs/other")
                            .optOnSaved(saved::add)
                            .optS3Options(options())
                            .optLease(Duration.ofSeconds(3))
                            .optEverySteps(4)
                            .optSeed(TinyTraining.RUN_SEED)
                            .optResumeFrom(location() + "/" + name(8, 1, 1))
                            .build();
            try (TrainingSnapshot actual = fit(elsewhere, 2)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
            assertEquals(
                    name(8, 1, 1),
                    elsewhere.getResumedFrom().orElseThrow().getFileName().toString());
            // every location a person reads is the bucket's own s3:// URI
            assertEquals(
                    location() + "/" + name(8, 1, 1),
                    elsewhere.getResumedFromLocation().orElseThrow());
            assertFalse(saved.isEmpty());
            for (SavedCheckpoint one : saved) {
                String prefix = "s3://" + bucket + "/runs/other/step-";
                assertTrue(one.location().startsWith(prefix), one.location());
                assertTrue(one.toString().contains("location=" + prefix), one.toString());
            }
        }
    }

    @Test
    void aCheckpointWithoutManifestIsIncompleteResumeIgnoresItAndTheNextSaveDeletesIt(
            @TempDir Path dir) throws Exception {
        try (TrainingSnapshot expected = uninterruptedOnDisk(dir.resolve("local"))) {
            crash(every4InBucket().build(), 14);
            String newest = committed().last();
            String before = committed().lower(newest);
            try (S3CheckpointStore store = store()) {
                // as a run killed while uploading leaves it: files, no manifest
                store.delete(newest + "/manifest.json");
                CheckpointDirectory bucket = CheckpointDirectory.on(store, Duration.ofSeconds(3));
                assertEquals(
                        List.of(newest),
                        bucket.listIncomplete().stream()
                                .map(p -> p.getFileName().toString())
                                .toList());
                assertEquals(
                        before,
                        bucket.findLatestValid()
                                .orElseThrow()
                                .getDirectory()
                                .getFileName()
                                .toString());
            }
            try (TrainingSnapshot actual = fit(every4InBucket().build(), 2)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
            assertTrue(committed().contains(newest), "saved again after the resume");
            try (S3CheckpointStore store = store()) {
                assertEquals(
                        List.of(),
                        CheckpointDirectory.on(store, Duration.ofSeconds(3)).listIncomplete());
            }
        }
    }

    @Test
    void aPermanentUploadFailureLeavesNoManifestAndNoUploadAndFollowsThePolicy() throws Exception {
        // every upload of step 8's optimizer file fails, past the retry budget
        proxy.inject(
                line -> line.startsWith("PUT ") && line.contains(name(8, 1, 1) + "/optimizer"),
                FaultInjectingProxy.Fault.SERVICE_UNAVAILABLE,
                1000);
        CheckpointListener listener =
                every4InBucket().optFailurePolicy(FailurePolicy.FAIL_AT_END).build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, listener)) {
            ResumableTraining.fit(run.trainer(), 3, run.positionableDataset(), run.validation());
            run.trainer().close();
        }
        CheckpointWriteException failed =
                assertThrows(CheckpointWriteException.class, listener::close);
        assertTrue(
                failed.getMessage().startsWith("Checkpoint " + location() + "/" + name(8, 1, 1)),
                failed.getMessage());
        assertTrue(proxy.faultsInjected() >= 2);
        TreeSet<String> names = committed();
        assertFalse(names.contains(name(8, 1, 1)), "no manifest for the failed save");
        assertTrue(names.contains(name(21, 3, 0)), "the later saves went on: " + names);
        try (S3CheckpointStore store = store()) {
            assertEquals(List.of(), store.list(name(8, 1, 1) + "/"), "nothing of it is left");
            assertEquals(List.of(), store.listIncompleteUploads(""));
        }
    }

    @Test
    void aSecondRunIsRefusedAtOnceByALeaseThatExpiresBeyondTwiceItsOwn() throws Exception {
        try (S3CheckpointStore store = store()) {
            String lease =
                    "owner=4242@elsewhere/other-run\nexpires="
                            + (System.currentTimeMillis() + 600_000)
                            + "\n";
            store.write(
                    ".lock",
                    channel ->
                            channel.write(ByteBuffer.wrap(lease.getBytes(StandardCharsets.UTF_8))));
        }
        String message = refusal().getMessage();
        assertTrue(message.contains("4242@elsewhere"), message);
        assertTrue(message.contains("directory " + location() + " is in use"), message);
        assertEquals(List.of(), new ArrayList<>(committed()));
    }

    /**
     * Trains with a listener into the bucket location and returns how the run was refused: when the
     * trainer is built (onTrainingBegin) or when it fits.
     */
    private CheckpointDirectoryLockedException refusal() throws Exception {
        CheckpointListener listener = every4InBucket().build();
        List<CheckpointDirectoryLockedException> thrown = new ArrayList<>();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, listener)) {
            thrown.add(
                    assertThrows(
                            CheckpointDirectoryLockedException.class,
                            () ->
                                    ResumableTraining.fit(
                                            run.trainer(),
                                            3,
                                            run.positionableDataset(),
                                            run.validation())));
        } catch (CheckpointDirectoryLockedException e) {
            thrown.add(e); // refused when the trainer is built, at onTrainingBegin
        } finally {
            listener.close();
        }
        assertEquals(1, thrown.size());
        return thrown.get(0);
    }

    @Test
    void aSecondRunIsRefusedWhenTheHolderRenewsTheLeaseItWaitsFor() throws Exception {
        try (S3CheckpointStore other = store();
                StoreLease held =
                        StoreLease.acquire(
                                other, ".lock", Duration.ofSeconds(2), Duration.ofMillis(50))) {
            // The holder, a live run of another process, renews every 2/3 s; the second run (a
            // 3 s lease) waits for the lease to expire and sees it renewed instead.
            long start = System.nanoTime();
            String message = refusal().getMessage();
            long waited = System.nanoTime() - start;
            assertTrue(message.contains("directory " + location() + " is in use"), message);
            assertTrue(message.contains("renewed"), message);
            assertTrue(waited < Duration.ofSeconds(10).toNanos(), "waited " + waited + " ns");
            assertFalse(held.isLost(), "the holder keeps its lease");
            assertEquals(List.of(), new ArrayList<>(committed()));
        }
        try (S3CheckpointStore store = store()) {
            assertTrue(store.stat(".lock").isEmpty(), "the holder released its lease");
        }
    }

    @Test
    void twoListenersOfOneProcessOnOneLocationAreRefused() throws Exception {
        CheckpointListener first = every4InBucket().build();
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, true, first)) {
            CheckpointListener second = every4InBucket().build();
            assertThrows(
                    CheckpointDirectoryLockedException.class,
                    () -> new TinyTraining(OptimizerKind.ADAM, 1, true, second).close());
            second.close();
            run.trainer().close();
        }
        first.close();
    }
}
