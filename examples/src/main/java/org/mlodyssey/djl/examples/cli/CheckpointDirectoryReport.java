/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException;
import org.mlodyssey.djl.checkpoint.training.LatestPointer;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * What {@code inspect} and {@code verify} say about directories: one training checkpoint (its
 * manifest, position, and every file's and tensor's integrity) or a directory of checkpoints (each
 * checkpoint's position and status, the {@code latest} pointer, the newest valid one).
 */
final class CheckpointDirectoryReport {

    private static final String TENSOR_SUFFIX = ".safetensors";

    private CheckpointDirectoryReport() {}

    /**
     * Tells whether a directory is one training checkpoint rather than a directory of them.
     *
     * @param dir the directory
     * @return whether it holds a manifest or one of a checkpoint's files
     */
    static boolean isCheckpoint(Path dir) {
        return Files.exists(dir.resolve(TrainingCheckpointManifest.FILE_NAME))
                || Files.exists(dir.resolve(TrainingCheckpoint.PARAMETERS_FILE))
                || Files.exists(dir.resolve(TrainingCheckpoint.OPTIMIZER_FILE));
    }

    /**
     * Inspects one training checkpoint directory, checking everything.
     *
     * @param dir the checkpoint directory
     * @return the report: kind, path, integrity ({@code intact} or {@code damaged}),
     *     integrity_detail, problems, and where readable format, format_version, global_step,
     *     epoch, batch_in_epoch, created_at, djl_version, engine, metadata, files (name, size,
     *     crc32c, status, tensors)
     */
    static Map<String, Object> inspectCheckpoint(Path dir) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "training-checkpoint");
        report.put("path", dir.toString());
        List<String> problems = new ArrayList<>();
        TrainingCheckpointManifest manifest = null;
        try {
            manifest = TrainingCheckpoint.readManifest(dir);
        } catch (InvalidTrainingCheckpointException e) {
            problems.add(
                    e.getKind() == InvalidTrainingCheckpointException.Kind.MISSING_MANIFEST
                            ? dir.resolve(TrainingCheckpointManifest.FILE_NAME)
                                    + ": missing (the checkpoint was never committed)"
                            : e.getMessage());
        }
        if (manifest != null) {
            putManifest(report, manifest);
            List<Map<String, Object>> files = new ArrayList<>();
            for (Map.Entry<String, TrainingCheckpointManifest.FileEntry> e :
                    manifest.files().entrySet()) {
                files.add(inspectFile(dir, e.getKey(), e.getValue(), problems));
            }
            report.put("files", files);
            try {
                TrainingCheckpoint.open(dir);
            } catch (IOException e) {
                // The per-file checks above name every damaged file and tensor; the loader's
                // verdict adds what they do not check (the trainer state against the manifest).
                if (problems.isEmpty()) {
                    problems.add(e.getMessage());
                }
            }
        }
        putVerdict(report, problems);
        return report;
    }

    /**
     * Puts what a checkpoint's manifest records into a report of {@link #inspectCheckpoint}.
     *
     * @param report the report
     * @param manifest the manifest
     */
    static void putManifest(Map<String, Object> report, TrainingCheckpointManifest manifest) {
        report.put("format", TrainingCheckpointManifest.FORMAT_NAME);
        report.put("format_version", manifest.formatVersion());
        report.put("global_step", manifest.globalStep());
        report.put("epoch", manifest.epoch());
        report.put("batch_in_epoch", manifest.batchInEpoch());
        report.put("created_at", manifest.createdAt().toString());
        report.put("djl_version", manifest.djlVersion());
        report.put("engine", manifest.engineName() + " " + manifest.engineVersion());
        report.put("metadata", manifest.metadata());
    }

    /**
     * Puts the verdict on one checkpoint into a report of {@link #inspectCheckpoint}.
     *
     * @param report the report
     * @param problems what was found wrong, empty when nothing
     */
    static void putVerdict(Map<String, Object> report, List<String> problems) {
        report.put("integrity", problems.isEmpty() ? "intact" : "damaged");
        report.put(
                "integrity_detail",
                problems.isEmpty()
                        ? "manifest, every file's size and CRC32C, and every tensor's checksum"
                                + " match"
                        : String.join("; ", problems));
        report.put("problems", problems);
    }

    private static Map<String, Object> inspectFile(
            Path dir,
            String name,
            TrainingCheckpointManifest.FileEntry expected,
            List<String> problems) {
        Path file = dir.resolve(name);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("size", expected.size());
        row.put("crc32c", String.format("%08x", expected.crc32c()));
        String status = "intact";
        try {
            long size = Files.size(file);
            int crc = crc32c(file);
            if (size != expected.size()) {
                status = "damaged: " + size + " bytes, the manifest records " + expected.size();
            } else if (crc != expected.crc32c()) {
                status =
                        String.format(
                                "damaged: CRC32C %08x, the manifest records %08x",
                                crc, expected.crc32c());
            }
        } catch (NoSuchFileException e) {
            status = "damaged: missing";
        } catch (BoundedReadException e) {
            status = "damaged: " + e.getDetail();
        } catch (IOException e) {
            status = "damaged: " + e.getMessage();
        }
        if (!status.equals("intact")) {
            problems.add(file + ": " + status.substring("damaged: ".length()));
        }
        if (name.endsWith(TENSOR_SUFFIX) && Files.isRegularFile(file)) {
            try {
                Map<String, Object> tensors = InspectCommand.inspect(file);
                row.put("tensors", tensors.get("tensors"));
                if ("damaged".equals(tensors.get("integrity"))) {
                    String detail = (String) tensors.get("integrity_detail");
                    problems.add(detail);
                    if (status.equals("intact")) {
                        status = "damaged: " + detail;
                    }
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
                if (status.equals("intact")) {
                    status = "damaged: " + e.getMessage();
                }
            }
        }
        row.put("status", status);
        return row;
    }

    private static int crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Channels.newInputStream(BoundedFiles.openRegular(file))) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
            }
        }
        return (int) crc.getValue();
    }

    /**
     * Inspects a directory of checkpoints.
     *
     * @param root the directory
     * @return the report: kind, path, checkpoints (name, global_step, epoch, batch_in_epoch,
     *     status, detail), latest (the pointer's target or null), newest_valid, integrity ({@code
     *     intact} when every committed checkpoint is, else {@code damaged}), integrity_detail
     * @throws IOException if the directory cannot be listed
     */
    static Map<String, Object> inspectRoot(Path root) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "checkpoint-directory");
        report.put("path", root.toString());
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, Files::isDirectory)) {
            stream.forEach(dirs::add);
        }
        dirs.sort(null);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path dir : dirs) {
            Map<String, Object> row = new LinkedHashMap<>();
            String name = dir.getFileName().toString();
            row.put("name", name);
            if (!CheckpointDirectories.isCheckpointName(name)) {
                String[] label = asideLabel(name);
                row.put("status", label[0]);
                row.put("detail", label[1]);
            } else {
                Map<String, Object> one = inspectCheckpoint(dir);
                for (String key : List.of("global_step", "epoch", "batch_in_epoch")) {
                    if (one.containsKey(key)) {
                        row.put(key, one.get(key));
                    }
                }
                boolean intact = one.get("integrity").equals("intact");
                row.put("status", intact ? "valid" : "damaged");
                row.put("detail", one.get("integrity_detail"));
                if (!intact) {
                    problems.add((String) one.get("integrity_detail"));
                }
            }
            rows.add(row);
        }
        report.put("checkpoints", rows);
        Optional<Path> latest;
        try {
            latest = LatestPointer.read(root);
            report.put("latest", latest.map(p -> p.getFileName().toString()).orElse(null));
        } catch (IOException e) {
            report.put("latest", null);
            problems.add(e.getMessage());
        }
        report.put(
                "newest_valid",
                CheckpointDirectories.findLatestValid(root, e -> {})
                        .map(c -> c.getDirectory().getFileName().toString())
                        .orElse(null));
        long committed =
                rows.stream()
                        .filter(
                                r ->
                                        "valid".equals(r.get("status"))
                                                || "damaged".equals(r.get("status")))
                        .count();
        if (committed == 0) {
            problems.add(root + ": no training checkpoint in this directory");
        }
        report.put("integrity", problems.isEmpty() ? "intact" : "damaged");
        report.put(
                "integrity_detail",
                problems.isEmpty() ? "every checkpoint is intact" : String.join("; ", problems));
        return report;
    }

    /**
     * Labels a folder of a directory of checkpoints whose name is not a checkpoint's: its status
     * and what it is. None of them is ever loaded as a checkpoint.
     */
    private static String[] asideLabel(String name) {
        if (name.startsWith(".") && name.contains(".abandoned-")) {
            return new String[] {
                "abandoned", "moved aside by a resume from an earlier checkpoint; never loaded"
            };
        }
        if (name.startsWith(".") && name.contains(".damaged-")) {
            return new String[] {"set-aside", "a damaged checkpoint moved aside; never loaded"};
        }
        if (AtomicFiles.isTemporaryName(name)) {
            return new String[] {"temporary", "an interrupted or running save; never loaded"};
        }
        return new String[] {"ignored", "not a checkpoint's name; never loaded"};
    }

    /**
     * Prints a report of {@link #inspectCheckpoint} or {@link #inspectRoot} as text.
     *
     * @param report the report
     * @param out where to print
     */
    /** A value read from a file, escaped for the terminal. */
    static String t(Object value) {
        return UntrustedText.escape(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    static void printText(Map<String, Object> report, PrintWriter out) {
        if ("checkpoint-directory".equals(report.get("kind"))) {
            out.printf("directory:  %s (training checkpoints)%n", t(report.get("path")));
            out.printf("latest:     %s%n", t(report.get("latest")));
            out.printf("newest valid: %s%n", t(report.get("newest_valid")));
            out.printf("integrity:  %s%n", report.get("integrity"));
            for (Map<String, Object> row : (List<Map<String, Object>>) report.get("checkpoints")) {
                out.printf(
                        "  %-50s %-9s %s%n",
                        t(row.get("name")),
                        row.get("status"),
                        row.containsKey("global_step")
                                ? "step " + row.get("global_step") + ", epoch " + row.get("epoch")
                                : "");
            }
            if ("damaged".equals(report.get("integrity"))) {
                out.printf("problems:   %s%n", t(report.get("integrity_detail")));
            }
            return;
        }
        out.printf("checkpoint: %s%n", t(report.get("path")));
        if (report.containsKey("format_version")) {
            out.printf("format:     %s v%s%n", report.get("format"), report.get("format_version"));
            out.printf(
                    "position:   step %s, epoch %s, batch %s%n",
                    report.get("global_step"), report.get("epoch"), report.get("batch_in_epoch"));
            out.printf(
                    "created:    %s (DJL %s, %s)%n",
                    report.get("created_at"),
                    t(report.get("djl_version")),
                    t(report.get("engine")));
            Map<String, String> metadata = (Map<String, String>) report.get("metadata");
            out.printf("metadata:   %d entries%n", metadata.size());
            metadata.forEach((k, v) -> out.printf("  %s = %s%n", t(k), t(v)));
        }
        out.printf(
                "integrity:  %s (%s)%n",
                report.get("integrity"), t(report.get("integrity_detail")));
        List<Map<String, Object>> files = (List<Map<String, Object>>) report.get("files");
        if (files != null) {
            out.println("files:");
            for (Map<String, Object> file : files) {
                List<Map<String, Object>> tensors = (List<Map<String, Object>>) file.get("tensors");
                out.printf(
                        "  %-24s %10s bytes  crc32c %s  %s%s%n",
                        t(file.get("name")),
                        file.get("size"),
                        file.get("crc32c"),
                        t(file.get("status")),
                        tensors == null ? "" : ", " + tensors.size() + " tensors");
                if (tensors != null) {
                    InspectCommand.printTensors(tensors, "      ", out);
                }
            }
        }
        for (Object problem : (List<?>) report.get("problems")) {
            out.printf("problem:    %s%n", t(problem));
        }
    }
}
