/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.LocationParts;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.examples.CheckpointLocations;

/**
 * {@code odyssey verify s3://…}: checks a training checkpoint in a bucket ({@code
 * s3://bucket/prefix/step-…}), or every checkpoint of a prefix of checkpoints, as on disk: the
 * manifest, each file's size and CRC32C, and every tensor's checksum, read with ranged GETs.
 * Incomplete checkpoints (no manifest) are listed, not counted as damage.
 */
final class BucketVerification {

    private BucketVerification() {}

    /**
     * Verifies a location in a bucket.
     *
     * @param path the {@code PATH} argument, an {@code s3://} location
     * @param out where the verdict goes
     * @param err where a failure goes
     * @return 0 intact, 1 damaged or unreadable
     */
    static int run(Path path, PrintWriter out, PrintWriter err) {
        String location = CheckpointLocations.of(path);
        LocationParts located = LocationParts.of(location);
        boolean one = located.name() != null;
        try (CheckpointStore store = CheckpointStores.open(located.root())) {
            CheckpointDirectory directory =
                    CheckpointDirectory.on(store, CheckpointDirectory.DEFAULT_LEASE);
            List<String> names = new ArrayList<>();
            if (one) {
                names.add(located.name());
            } else {
                for (CheckpointDirectory.Listed listed : directory.list()) {
                    names.add(listed.directory().getFileName().toString());
                }
                for (Path incomplete : directory.listIncomplete()) {
                    out.println(
                            directory.locationOf(incomplete)
                                    + ": incomplete (no manifest: never committed)");
                }
            }
            for (String name : names) {
                verify(store, directory, name);
            }
            out.println(
                    location
                            + ": intact ("
                            + names.size()
                            + (one ? " checkpoint" : " checkpoints")
                            + "; manifests, files and their tensors match their checksums)");
            return 0;
        } catch (IOException e) {
            err.println("odyssey verify: damaged: " + OdysseyCommand.describe(e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static void verify(CheckpointStore store, CheckpointDirectory directory, String name)
            throws IOException {
        TrainingCheckpoint checkpoint = directory.open(name);
        for (String file : checkpoint.getManifest().files().keySet()) {
            if (!file.endsWith(".safetensors")) {
                continue;
            }
            String key = name + "/" + file;
            try (TensorFileReader reader = StoredNDArrays.open(store, key)) {
                reader.verify();
            }
        }
    }
}
