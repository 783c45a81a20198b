/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.listener.CheckpointListener;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.s3.LoopbackS3Server;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;
import org.mlodyssey.djl.examples.cli.OdysseyCommand;

/**
 * {@code odyssey inspect s3://…} (a prefix of checkpoints, one checkpoint, one file) and {@code
 * odyssey plot --checkpoint-dir s3://…}, in child JVMs reaching an S3Proxy on 127.0.0.1 through
 * {@code AWS_ENDPOINT_URL}, on checkpoints a listener wrote into the bucket.
 */
class S3InspectAndPlotIT {

    private static final String BUCKET = "inspect";
    private static final String LOCATION = "s3://" + BUCKET + "/run";

    private static Cli.Outcome odyssey(Path dir, Map<String, String> env, String... args)
            throws Exception {
        return Cli.Outcome.of(
                ChildJvm.run(
                        dir,
                        args[0] + "-" + System.nanoTime(),
                        120,
                        ChildJvm.command(OdysseyCommand.class, args),
                        env));
    }

    private static JsonObject row(JsonObject report, String key, String name) {
        for (JsonElement e : report.getAsJsonArray(key)) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + name + " in " + report);
    }

    @Test
    void inspectAndPlotReadCheckpointsInABucket(@TempDir Path dir) throws Exception {
        DemoEmnistFiles.Written data = DemoEmnistFiles.write(dir.resolve("data"), 2, 1, 11);
        try (LoopbackS3Server server = LoopbackS3Server.startInMemory(true)) {
            server.createBucket(BUCKET);
            S3StoreOptions options = LoopbackS3Server.options(server.endpoint()).build();
            TrainingCurvesTest.train(
                    data.directory(),
                    CheckpointListener.builder()
                            .setLocation(LOCATION)
                            .optS3Options(options)
                            .optLease(Duration.ofSeconds(5)),
                    2);
            Map<String, String> env = LoopbackS3Server.environment(server.endpoint());
            TreeSet<String> committed = new TreeSet<>();
            String incomplete =
                    CheckpointDirectories.directoryName(
                            new TrainingProgress(0, 9, 0, 999, List.of()));
            try (S3CheckpointStore store = S3CheckpointStore.open(LOCATION, options)) {
                for (StoredObject object : store.list("")) {
                    if (object.key().endsWith("/manifest.json")) {
                        committed.add(object.key().substring(0, object.key().indexOf('/')));
                    }
                }
                // as a killed upload leaves it: a file, no manifest
                store.write(
                        incomplete + "/parameters.safetensors",
                        channel -> channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            }
            assertTrue(committed.size() >= 3, committed.toString());
            String newest = committed.last();
            String older = committed.first();

            Cli.Outcome root = odyssey(dir, env, "inspect", "--json", LOCATION);
            assertEquals(0, root.exit(), root.toString());
            JsonObject r = root.json();
            assertEquals("checkpoint-directory", r.get("kind").getAsString());
            assertEquals(newest, r.get("newest_valid").getAsString());
            assertEquals(newest, r.get("latest").getAsString());
            assertEquals(committed.size() + 1, r.getAsJsonArray("checkpoints").size());
            assertEquals("valid", row(r, "checkpoints", older).get("status").getAsString());
            assertEquals(
                    "incomplete", row(r, "checkpoints", incomplete).get("status").getAsString());

            Cli.Outcome one = odyssey(dir, env, "inspect", LOCATION + "/" + newest);
            assertEquals(0, one.exit(), one.toString());
            assertTrue(one.out().contains("integrity:  intact"), one.out());
            for (String file :
                    List.of(
                            "parameters.safetensors",
                            "optimizer.safetensors",
                            "trainer-state.json")) {
                assertTrue(one.out().contains(file), one.out());
            }

            Cli.Outcome file =
                    odyssey(
                            dir,
                            env,
                            "inspect",
                            "--json",
                            LOCATION + "/" + newest + "/parameters.safetensors");
            assertEquals(0, file.exit(), file.toString());
            JsonObject f = file.json();
            assertEquals("intact", f.get("integrity").getAsString());
            assertEquals(1, f.get("format_version").getAsInt());
            assertTrue(f.getAsJsonArray("tensors").size() >= 2, f.toString());

            // a flipped byte in the oldest checkpoint's optimizer state: named, the rest valid
            try (S3CheckpointStore store = S3CheckpointStore.open(LOCATION, options)) {
                String key = older + "/optimizer.safetensors";
                byte[] bytes;
                try (ObjectReader reader = store.open(key)) {
                    ByteBuffer all = ByteBuffer.allocate((int) reader.size());
                    reader.readFully(all, 0);
                    bytes = all.array();
                }
                bytes[bytes.length - 3] ^= 0x01;
                store.write(key, channel -> channel.write(ByteBuffer.wrap(bytes)));
            }
            Cli.Outcome damaged = odyssey(dir, env, "inspect", "--json", LOCATION + "/" + older);
            assertEquals(1, damaged.exit(), damaged.toString());
            JsonObject d = damaged.json();
            assertEquals("damaged", d.get("integrity").getAsString());
            assertTrue(
                    row(d, "files", "optimizer.safetensors")
                            .get("status")
                            .getAsString()
                            .startsWith("damaged: "),
                    d.toString());
            assertEquals(
                    "intact",
                    row(d, "files", "parameters.safetensors").get("status").getAsString());
            JsonObject after = odyssey(dir, env, "inspect", "--json", LOCATION).json();
            assertEquals("damaged", row(after, "checkpoints", older).get("status").getAsString());
            assertEquals(newest, after.get("newest_valid").getAsString());

            Path png = dir.resolve("curves.png");
            Cli.Outcome plot =
                    odyssey(
                            dir,
                            env,
                            "plot",
                            "--checkpoint-dir",
                            LOCATION,
                            "--out",
                            png.toString());
            assertEquals(0, plot.exit(), plot.toString());
            assertTrue(
                    plot.out().contains("2 epochs, " + committed.size() + " checkpoints"),
                    plot.toString());
            assertTrue(Files.size(png) > 0);
            assertTrue(
                    new String(Files.readAllBytes(png), 1, 3, StandardCharsets.US_ASCII)
                            .equals("PNG"));
        }
    }
}
