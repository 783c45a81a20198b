/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.ndarray.StoredNDArrays;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException;
import org.mlodyssey.djl.checkpoint.training.LocationParts;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;

/**
 * {@code odyssey inspect s3://…}: the reports of {@link CheckpointDirectoryReport} and {@link
 * InspectCommand} for a location in a bucket, read with ranged GETs: a prefix of checkpoints (each
 * checkpoint's position and status, incomplete ones included, the {@code latest} pointer, the
 * newest valid one), one checkpoint ({@code …/step-…}: its manifest, each file's status and
 * tensors) or one named-tensor file ({@code ….safetensors}).
 */
final class BucketInspection {

    private static final String TENSOR_SUFFIX = ".safetensors";

    private BucketInspection() {}

    /**
     * Inspects a location in a bucket.
     *
     * @param location an {@code s3://} location
     * @return the report, shaped as the one of the same kind on disk
     * @throws IOException if the bucket cannot be listed or the file cannot be read
     */
    static Map<String, Object> inspect(String location) throws IOException {
        if (location.endsWith(TENSOR_SUFFIX)) {
            int slash = location.lastIndexOf('/');
            try (CheckpointStore store = CheckpointStores.open(location.substring(0, slash))) {
                return inspectFile(store, location.substring(slash + 1));
            }
        }
        LocationParts located = LocationParts.of(location);
        try (CheckpointStore store = CheckpointStores.open(located.root())) {
            CheckpointDirectory directory =
                    CheckpointDirectory.on(store, CheckpointDirectory.DEFAULT_LEASE);
            return located.name() == null
                    ? inspectRoot(directory, location)
                    : inspectCheckpoint(store, directory, located.name());
        }
    }

    /** The report of {@link InspectCommand#inspect(Path)} for an object of a store. */
    private static Map<String, Object> inspectFile(CheckpointStore store, String key)
            throws IOException {
        try (TensorFile checkpoint = TensorFile.of(StoredNDArrays.open(store, key))) {
            return InspectCommand.inspect(store.locationOf(key), checkpoint);
        }
    }

    /** The report of {@link CheckpointDirectoryReport#inspectCheckpoint} for a bucket. */
    private static Map<String, Object> inspectCheckpoint(
            CheckpointStore store, CheckpointDirectory directory, String name) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "training-checkpoint");
        report.put("path", store.locationOf(name));
        List<String> problems = new ArrayList<>();
        TrainingCheckpointManifest manifest = null;
        try {
            manifest = directory.readManifest(name);
        } catch (InvalidTrainingCheckpointException e) {
            problems.add(
                    e.getKind() == InvalidTrainingCheckpointException.Kind.MISSING_MANIFEST
                            ? store.locationOf(name + "/" + TrainingCheckpointManifest.FILE_NAME)
                                    + ": missing (the checkpoint was never committed)"
                            : e.getMessage());
        }
        if (manifest != null) {
            CheckpointDirectoryReport.putManifest(report, manifest);
            List<Map<String, Object>> files = new ArrayList<>();
            for (Map.Entry<String, TrainingCheckpointManifest.FileEntry> e :
                    manifest.files().entrySet()) {
                files.add(inspectFile(store, directory, name, e.getKey(), e.getValue(), problems));
            }
            report.put("files", files);
            if (problems.isEmpty()) {
                try {
                    directory.open(name);
                } catch (InvalidTrainingCheckpointException e) {
                    // what the per-file checks do not check: the trainer state against the
                    // manifest, the position against the name
                    problems.add(e.getMessage());
                }
            }
        }
        CheckpointDirectoryReport.putVerdict(report, problems);
        return report;
    }

    private static Map<String, Object> inspectFile(
            CheckpointStore store,
            CheckpointDirectory directory,
            String name,
            String file,
            TrainingCheckpointManifest.FileEntry expected,
            List<String> problems) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", file);
        row.put("size", expected.size());
        row.put("crc32c", String.format("%08x", expected.crc32c()));
        String status = "intact";
        try {
            directory.verifyFile(name, file, expected);
        } catch (InvalidTrainingCheckpointException e) {
            status = "damaged: " + e.getMessage();
            problems.add(e.getMessage());
        }
        if (file.endsWith(TENSOR_SUFFIX) && status.equals("intact")) {
            try {
                Map<String, Object> tensors = inspectFile(store, name + "/" + file);
                row.put("tensors", tensors.get("tensors"));
                if ("damaged".equals(tensors.get("integrity"))) {
                    status = "damaged: " + tensors.get("integrity_detail");
                    problems.add((String) tensors.get("integrity_detail"));
                }
            } catch (IOException e) {
                status = "damaged: " + e.getMessage();
                problems.add(e.getMessage());
            }
        }
        row.put("status", status);
        return row;
    }

    /** The report of {@link CheckpointDirectoryReport#inspectRoot} for a prefix of a bucket. */
    private static Map<String, Object> inspectRoot(CheckpointDirectory directory, String location)
            throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "checkpoint-directory");
        report.put("path", location);
        TreeMap<String, Map<String, Object>> rows = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (CheckpointDirectory.Listed listed : directory.list()) {
            String name = listed.directory().getFileName().toString();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("global_step", listed.manifest().globalStep());
            row.put("epoch", listed.manifest().epoch());
            row.put("batch_in_epoch", listed.manifest().batchInEpoch());
            try {
                directory.open(name);
                row.put("status", "valid");
                row.put("detail", "manifest and every file's size and CRC32C match");
            } catch (InvalidTrainingCheckpointException e) {
                row.put("status", "damaged");
                row.put("detail", e.getMessage());
                problems.add(e.getMessage());
            }
            rows.put(name, row);
        }
        for (Path incomplete : directory.listIncomplete()) {
            String name = incomplete.getFileName().toString();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("status", "incomplete");
            row.put(
                    "detail",
                    "no manifest: never committed, never loaded; the next save deletes it");
            rows.put(name, row);
        }
        report.put("checkpoints", new ArrayList<>(rows.values()));
        try {
            Optional<Path> latest = directory.readLatest();
            report.put("latest", latest.map(p -> p.getFileName().toString()).orElse(null));
        } catch (IOException e) {
            report.put("latest", null);
            problems.add(e.getMessage());
        }
        String newestValid = null;
        for (Map<String, Object> row : rows.values()) {
            if ("valid".equals(row.get("status"))) {
                newestValid = (String) row.get("name"); // rows go by position
            }
        }
        report.put("newest_valid", newestValid);
        if (rows.values().stream().noneMatch(r -> r.containsKey("global_step"))) {
            problems.add(location + ": no committed training checkpoint under this prefix");
        }
        report.put("integrity", problems.isEmpty() ? "intact" : "damaged");
        report.put(
                "integrity_detail",
                problems.isEmpty() ? "every checkpoint is intact" : String.join("; ", problems));
        return report;
    }
}
