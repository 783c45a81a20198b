/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.format.Integrity;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.format.TensorStorage;
import org.mlodyssey.djl.examples.CheckpointLocations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odyssey inspect PATH [--json]}: what a checkpoint or safetensors file holds. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Show a checkpoint's (or any safetensors file's) tensors, metadata, format version "
                    + "and integrity status.",
            "PATH may also be a training checkpoint directory (manifest, step and epoch, every"
                    + " file's size, CRC32C and status, the tensors of each tensor file) or a"
                    + " directory of checkpoints (each checkpoint's position and status, the"
                    + " 'latest' pointer, the newest valid checkpoint).",
            "PATH may be s3://bucket/prefix (a prefix of checkpoints, incomplete ones listed),"
                + " s3://bucket/prefix/step-… (one checkpoint) or s3://bucket/path/x.safetensors"
                + " (one file), read with the AWS SDK's credential and region chains and"
                + " AWS_ENDPOINT_URL.",
            "Exit status: 0 when readable and intact, 1 when damaged or malformed."
        })
public final class InspectCommand implements Callable<Integer> {

    @Spec private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "PATH",
            description =
                    "a .safetensors file, a shard index (*.index.json), a training checkpoint"
                            + " directory or a directory of checkpoints")
    private Path path;

    @Option(names = "--json", description = "print one JSON object instead of text")
    private boolean json;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean remote = CheckpointLocations.isRemote(path);
        if (!remote && !Files.exists(path)) {
            err.println("odyssey inspect: no such file or directory: " + path);
            err.flush();
            return 1;
        }
        Map<String, Object> report;
        try {
            if (remote) {
                report = BucketInspection.inspect(CheckpointLocations.of(path));
            } else if (!Files.isDirectory(path)) {
                report = inspect(path);
            } else if (DistributedCheckpointReport.isDistributed(path)) {
                report = DistributedCheckpointReport.inspect(path);
            } else if (CheckpointDirectoryReport.isCheckpoint(path)) {
                report = CheckpointDirectoryReport.inspectCheckpoint(path);
            } else {
                report = CheckpointDirectoryReport.inspectRoot(path);
            }
        } catch (IOException e) {
            err.println("odyssey inspect: " + OdysseyCommand.describe(e));
            err.flush();
            return 1;
        }
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(report));
        } else if ("distributed-checkpoint".equals(report.get("kind"))) {
            DistributedCheckpointReport.printText(report, out);
        } else if (report.containsKey("kind")) {
            CheckpointDirectoryReport.printText(report, out);
        } else {
            printText(report, out);
        }
        out.flush();
        return "damaged".equals(report.get("integrity")) ? 1 : 0;
    }

    /**
     * Reads a file's structure and checks its integrity.
     *
     * @param path the file
     * @return the report: path, format, format_version, integrity, integrity_detail, metadata,
     *     tensors (name, dtype, shape, bytes, codec, stored_bytes, ratio), total_bytes,
     *     stored_bytes
     * @throws IOException if the file cannot be opened or its header is malformed
     */
    static Map<String, Object> inspect(Path path) throws IOException {
        try (TensorFile checkpoint = TensorFile.load(path)) {
            return inspect(path.toString(), checkpoint);
        }
    }

    /**
     * Reports on an open checkpoint file, checking its integrity, as {@link #inspect(Path)}.
     *
     * @param label names the file in the report
     * @param checkpoint the file, opened with verification on
     * @return the report, as {@link #inspect(Path)}'s
     * @throws IOException if a tensor's storage cannot be read
     */
    static Map<String, Object> inspect(String label, TensorFile checkpoint) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("path", label);
        report.put("format", checkpoint.formatVersion() == 0 ? "safetensors" : "djl-odyssey");
        report.put("format_version", checkpoint.formatVersion());
        String integrity;
        String detail;
        if (checkpoint.integrity() == Integrity.UNCHECKED) {
            integrity = "unchecked";
            detail = "plain safetensors file: it carries no checksums";
        } else {
            try {
                checkpoint.verify();
                integrity = "intact";
                detail = "header and every tensor match their CRC32C checksums";
            } catch (TensorFileFormatException e) {
                integrity = "damaged";
                detail = e.getMessage();
            }
        }
        report.put("integrity", integrity);
        report.put("integrity_detail", detail);
        report.put("metadata", checkpoint.metadata());
        List<Map<String, Object>> tensors = new java.util.ArrayList<>();
        long total = 0;
        long stored = 0;
        for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
            Tensor tensor = entry.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", entry.getKey());
            row.put("dtype", tensor.dtype().safetensorsName());
            row.put("shape", tensor.shape());
            row.put("bytes", tensor.byteSize());
            TensorStorage storage = tensor.storage();
            row.put("codec", codec(storage));
            row.put("stored_bytes", storage.storedBytes());
            row.put("ratio", Math.round(storage.ratio() * 1000) / 1000.0);
            tensors.add(row);
            total += tensor.byteSize();
            stored += storage.storedBytes();
        }
        report.put("tensors", tensors);
        report.put("total_bytes", total);
        report.put("stored_bytes", stored);
        return report;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> report, PrintWriter out) {
        out.printf("file:       %s%n", CheckpointDirectoryReport.t(report.get("path")));
        int version = (Integer) report.get("format_version");
        out.printf(
                "format:     %s%n",
                version == 0
                        ? "plain safetensors (no djl-odyssey metadata)"
                        : "djl-odyssey v" + version);
        out.printf(
                "integrity:  %s (%s)%n",
                report.get("integrity"),
                CheckpointDirectoryReport.t(report.get("integrity_detail")));
        Map<String, String> metadata = (Map<String, String>) report.get("metadata");
        out.printf("metadata:   %d entries%n", metadata.size());
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            out.printf(
                    "  %s = %s%n",
                    CheckpointDirectoryReport.t(entry.getKey()),
                    CheckpointDirectoryReport.t(entry.getValue()));
        }
        List<Map<String, Object>> tensors = (List<Map<String, Object>>) report.get("tensors");
        long total = (Long) report.get("total_bytes");
        long stored = (Long) report.get("stored_bytes");
        out.printf(
                "tensors:    %d, %d bytes%s%n",
                tensors.size(),
                total,
                stored == total
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", %d stored (%.3fx)",
                                stored,
                                stored == 0 ? 1.0 : (double) total / stored));
        printTensors(tensors, "  ", out);
    }

    /** Names a tensor's storage: {@code none}, or the filter and codec, e.g. {@code split+zstd}. */
    private static String codec(TensorStorage storage) {
        return "none".equals(storage.codec())
                ? "none"
                : storage.filter().id() + "+" + storage.codec();
    }

    /**
     * Prints one row per tensor of an {@link #inspect} report: name, dtype, shape, bytes, and when
     * any tensor is compressed, each tensor's codec and compression ratio.
     *
     * @param tensors the report's tensors
     * @param indent put before each row
     * @param out where to print
     */
    static void printTensors(List<Map<String, Object>> tensors, String indent, PrintWriter out) {
        int width = 4;
        int codecWidth = 5;
        boolean compressed = false;
        for (Map<String, Object> row : tensors) {
            width = Math.max(width, CheckpointDirectoryReport.t(row.get("name")).length());
            codecWidth = Math.max(codecWidth, String.valueOf(row.get("codec")).length());
            compressed |= !"none".equals(row.get("codec"));
        }
        width = Math.min(width, 120);
        String columns = indent + "%-" + width + "s  %-5s  %-20s  ";
        if (compressed) {
            out.printf(
                    columns + "%12s  %-" + codecWidth + "s  %s%n",
                    "name",
                    "dtype",
                    "shape",
                    "bytes",
                    "codec",
                    "ratio");
        } else {
            out.printf(columns + "%s%n", "name", "dtype", "shape", "bytes");
        }
        for (Map<String, Object> row : tensors) {
            String name = CheckpointDirectoryReport.t(row.get("name"));
            String shape = Arrays.toString((long[]) row.get("shape"));
            if (compressed) {
                out.printf(
                        Locale.ROOT,
                        columns + "%12d  %-" + codecWidth + "s  %.3fx%n",
                        name,
                        row.get("dtype"),
                        shape,
                        (Long) row.get("bytes"),
                        row.get("codec"),
                        (Double) row.get("ratio"));
            } else {
                out.printf(
                        columns + "%d%n", name, row.get("dtype"), shape, (Long) row.get("bytes"));
            }
        }
    }
}
