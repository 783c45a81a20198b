/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.s3.FaultInjectingProxy;
import org.mlodyssey.djl.checkpoint.storage.s3.LoopbackS3Server;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;

/**
 * {@code odyssey train --checkpoint-dir s3://…} against an S3Proxy on 127.0.0.1 (started here, in
 * this JVM), killed with SIGKILL while a checkpoint is uploading (a proxy between the child and the
 * server holds that upload), then {@code --resume auto}: the run resumes from the newest complete
 * checkpoint and ends bit-identical to an uninterrupted run on local disk.
 */
class S3KillAndResumeIT {

    private static final String BUCKET = "runs";
    private static final String LOCATION = "s3://" + BUCKET + "/mlp";

    @TempDir Path dir;

    @Test
    void trainKilledWhileUploadingResumesFromTheNewestCompleteCheckpoint() throws Exception {
        Path data = dir.resolve("emnist");
        DemoEmnistFiles.write(data, 3, 1, 11); // 108 images: 7 batches of 16 per epoch
        List<String> trainArgs =
                List.of(
                        "--dataset",
                        "emnist",
                        "--data-dir",
                        data.toString(),
                        "--model",
                        "mlp",
                        "--epochs",
                        "2",
                        "--batch-size",
                        "16",
                        "--every-steps",
                        "4");
        Cli.Outcome whole =
                Cli.Outcome.of(
                        ChildJvm.run(
                                dir,
                                "whole",
                                300,
                                train(trainArgs, dir.resolve("whole").toString(), "never")));
        assertEquals(0, whole.exit(), whole.toString());

        try (LoopbackS3Server server = LoopbackS3Server.startInMemory(true);
                FaultInjectingProxy proxy = FaultInjectingProxy.start(server.port())) {
            server.createBucket(BUCKET);
            Map<String, String> env = LoopbackS3Server.environment(proxy.endpoint());
            // step 12's parameters go up; the upload of its optimizer state is held until the
            // child dies
            String held = "step-000000000012-";
            proxy.inject(
                    line ->
                            line.startsWith("PUT ")
                                    && line.contains(held)
                                    && line.contains("optimizer.safetensors"),
                    FaultInjectingProxy.Fault.STALL,
                    1);
            ChildJvm child =
                    ChildJvm.start(dir, "killed", train(trainArgs, LOCATION, "never"), env);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                while (proxy.faultsInjected() == 0) {
                    assertTrue(child.isAlive(), "the child ended before uploading step 12");
                    assertTrue(System.nanoTime() < deadline, "step 12 was never uploaded");
                    Thread.sleep(20);
                }
            } finally {
                child.kill(); // SIGKILL mid-upload: no shutdown hooks, no final save
            }

            S3CheckpointStore store =
                    S3CheckpointStore.open(
                            LOCATION, LoopbackS3Server.options(server.endpoint()).build());
            try (store) {
                CheckpointDirectory bucket = CheckpointDirectory.on(store, Duration.ofSeconds(30));
                assertEquals(
                        List.of(held),
                        bucket.listIncomplete().stream()
                                .map(p -> p.getFileName().toString().substring(0, held.length()))
                                .toList(),
                        "step 12 is incomplete: no manifest");
                assertEquals(
                        "step-000000000008-",
                        bucket.findLatestValid()
                                .orElseThrow()
                                .getDirectory()
                                .getFileName()
                                .toString()
                                .substring(0, held.length()));
                assertTrue(
                        new String(readAll(store, ".lock"), StandardCharsets.UTF_8)
                                .contains("expires="),
                        "the killed run's lease is still there for the resumed run to wait out");
            }

            Cli.Outcome listed =
                    Cli.Outcome.of(
                            ChildJvm.run(
                                    dir, "verify", 120, Cli.jarCommand("verify", LOCATION), env));
            assertEquals(0, listed.exit(), listed.toString());
            assertTrue(listed.out().contains(held), listed.toString());
            assertTrue(listed.out().contains("incomplete (no manifest"), listed.toString());

            Cli.Outcome resumed =
                    Cli.Outcome.of(
                            ChildJvm.run(
                                    dir, "resumed", 300, train(trainArgs, LOCATION, "auto"), env));
            assertEquals(0, resumed.exit(), resumed.toString());
            int waiting = resumed.err().indexOf("waiting to see whether its holder renews it");
            int takenOver = resumed.err().indexOf("Taking over the expired lease");
            assertTrue(
                    waiting >= 0,
                    "the resumed run found the killed run's lease live and waited: " + resumed);
            assertTrue(
                    takenOver > waiting,
                    "the resumed run took the lease over after waiting for it: " + resumed);
            JsonObject w = whole.json();
            JsonObject r = resumed.json();
            assertEquals(8, r.get("resumed_at_step").getAsLong(), r.toString());
            assertEquals(14, r.get("steps").getAsLong());
            for (String key : List.of("epochs", "steps", "train_loss", "test_accuracy")) {
                assertEquals(w.get(key), r.get(key), key + ": " + w + " vs " + r);
            }
            try (S3CheckpointStore again =
                    S3CheckpointStore.open(
                            LOCATION, LoopbackS3Server.options(server.endpoint()).build())) {
                String last =
                        assertFinalCheckpointsIdentical(
                                Path.of(w.get("checkpoint").getAsString()), again);
                // a flipped byte in the last optimizer file: verify names it
                byte[] bytes = readAll(again, last + "/" + TrainingCheckpoint.OPTIMIZER_FILE);
                bytes[bytes.length - 3] ^= 0x01;
                again.write(
                        last + "/" + TrainingCheckpoint.OPTIMIZER_FILE,
                        channel -> channel.write(java.nio.ByteBuffer.wrap(bytes)));
                Cli.Outcome damaged =
                        Cli.Outcome.of(
                                ChildJvm.run(
                                        dir,
                                        "damaged",
                                        120,
                                        Cli.jarCommand("verify", LOCATION + "/" + last),
                                        env));
                assertEquals(1, damaged.exit(), damaged.toString());
                assertTrue(
                        damaged.err().contains(TrainingCheckpoint.OPTIMIZER_FILE), damaged.err());
                CheckpointDirectory bucket = CheckpointDirectory.on(again, Duration.ofSeconds(30));
                assertEquals(List.of(), bucket.listIncomplete(), "cleaned up by a later save");
            }
        }
    }

    private static List<String> train(List<String> trainArgs, String checkpoints, String resume) {
        List<String> args = new ArrayList<>();
        args.add("train");
        args.addAll(trainArgs);
        args.addAll(List.of("--checkpoint-dir", checkpoints, "--resume", resume));
        return Cli.jarCommand(args.toArray(new String[0]));
    }

    /** The final checkpoints' parameters and optimizer state, bit for bit. */
    private static byte[] readAll(S3CheckpointStore store, String key) throws Exception {
        try (var reader = store.open(key)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) reader.size());
            reader.readFully(bytes, 0);
            return bytes.array();
        }
    }

    private static String assertFinalCheckpointsIdentical(Path local, S3CheckpointStore store)
            throws Exception {
        TreeSet<String> committed = new TreeSet<>();
        for (StoredObject object : store.list("")) {
            if (object.key().endsWith("/manifest.json")) {
                committed.add(object.key().substring(0, object.key().indexOf('/')));
            }
        }
        String last = committed.last();
        assertEquals(local.getFileName().toString(), last, "the same final position");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            for (String file :
                    List.of(
                            TrainingCheckpoint.PARAMETERS_FILE,
                            TrainingCheckpoint.OPTIMIZER_FILE)) {
                Map<String, NDArray> expected =
                        NDArrayFiles.load(local.resolve(file), manager, Device.cpu());
                Map<String, NDArray> actual =
                        StoredNDArrays.load(store, last + "/" + file, manager, Device.cpu());
                assertEquals(expected.keySet(), actual.keySet(), file);
                assertFalse(expected.isEmpty(), file);
                for (String name : expected.keySet()) {
                    assertEquals(
                            expected.get(name).toByteBuffer(),
                            actual.get(name).toByteBuffer(),
                            file + ": " + name + " differs after the resume");
                }
            }
        }
        return last;
    }
}
