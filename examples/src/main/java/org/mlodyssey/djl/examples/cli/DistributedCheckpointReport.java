/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import static org.mlodyssey.djl.examples.cli.CheckpointDirectoryReport.t;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.distributed.Chunk;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointReader;
import org.mlodyssey.djl.checkpoint.distributed.DistributedLayout;
import org.mlodyssey.djl.checkpoint.distributed.DistributedMetadata;
import org.mlodyssey.djl.checkpoint.distributed.RankFile;
import org.mlodyssey.djl.checkpoint.distributed.TensorLayout;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.checkpoint.storage.LocalCheckpointStore;

/**
 * What {@code inspect} and {@code verify} show of a distributed checkpoint directory: the save,
 * each rank's file, each global tensor with the chunk layout that tiles it, and the integrity of
 * every file and block.
 */
final class DistributedCheckpointReport {

    private DistributedCheckpointReport() {}

    /**
     * Tells whether a directory is a distributed checkpoint: it holds {@code metadata.json}.
     *
     * @param dir a directory
     * @return true when the global metadata is there
     */
    static boolean isDistributed(Path dir) {
        return Files.isRegularFile(dir.resolve(DistributedLayout.METADATA));
    }

    /**
     * Reads a distributed checkpoint's metadata and checks every file and block.
     *
     * @param dir the checkpoint directory
     * @return the report: kind, path, format_version, save_id, world_size, files, tensors (name,
     *     dtype, shape, bytes, chunks with rank, slice, file, bytes), integrity, integrity_detail
     * @throws IOException if the metadata cannot be read or is malformed
     */
    static Map<String, Object> inspect(Path dir) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "distributed-checkpoint");
        report.put("path", dir.toString());
        try (LocalCheckpointStore store = LocalCheckpointStore.of(dir)) {
            DistributedMetadata metadata =
                    DistributedMetadata.parse(
                            Files.readAllBytes(dir.resolve(DistributedLayout.METADATA)),
                            store.locationOf(DistributedLayout.METADATA));
            report.put("format_version", DistributedMetadata.FORMAT_VERSION);
            report.put("save_id", metadata.saveId());
            report.put("world_size", metadata.worldSize());
            List<Map<String, Object>> files = new ArrayList<>();
            for (RankFile file : metadata.files()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rank", file.rank());
                row.put("file", file.key());
                row.put("bytes", file.size());
                row.put("crc32c", FormatKeys.hex(file.crc32c()));
                files.add(row);
            }
            report.put("files", files);
            List<Map<String, Object>> tensors = new ArrayList<>();
            for (TensorLayout tensor : metadata.tensors().values()) {
                tensors.add(tensorRow(tensor));
            }
            report.put("tensors", tensors);
            try (DistributedCheckpointReader reader = DistributedCheckpointReader.open(store, "")) {
                reader.verify();
                report.put("integrity", "intact");
                report.put(
                        "integrity_detail",
                        "every file's CRC32C and every chunk block's CRC32C match");
            } catch (IOException e) {
                report.put("integrity", "damaged");
                report.put("integrity_detail", e.getMessage());
            }
        }
        return report;
    }

    private static Map<String, Object> tensorRow(TensorLayout tensor) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", tensor.name());
        row.put("dtype", tensor.dtype().safetensorsName());
        row.put("shape", tensor.shape().clone());
        row.put("bytes", tensor.byteSize());
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (Chunk chunk : tensor.chunks()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("rank", chunk.rank());
            c.put("slice", chunk.slice().toString());
            c.put("file", chunk.file());
            c.put("bytes", chunk.byteLength());
            chunks.add(c);
        }
        row.put("chunks", chunks);
        return row;
    }

    /**
     * Prints a report as text.
     *
     * @param report a report of {@link #inspect}
     * @param out where to print
     */
    @SuppressWarnings("unchecked")
    static void printText(Map<String, Object> report, PrintWriter out) {
        out.printf("directory:  %s (distributed checkpoint)%n", t(report.get("path")));
        out.printf(
                "format:     %s v%s, save %s, %s ranks%n",
                DistributedMetadata.FORMAT_NAME,
                report.get("format_version"),
                t(report.get("save_id")),
                report.get("world_size"));
        out.printf(
                "integrity:  %s (%s)%n",
                report.get("integrity"), t(report.get("integrity_detail")));
        out.println("files:");
        for (Map<String, Object> file : (List<Map<String, Object>>) report.get("files")) {
            out.printf(
                    "  rank %-4s %-36s %12d bytes  crc32c %s%n",
                    file.get("rank"),
                    t(file.get("file")),
                    (Long) file.get("bytes"),
                    file.get("crc32c"));
        }
        List<Map<String, Object>> tensors = (List<Map<String, Object>>) report.get("tensors");
        out.printf("tensors:    %d%n", tensors.size());
        for (Map<String, Object> tensor : tensors) {
            List<Map<String, Object>> chunks = (List<Map<String, Object>>) tensor.get("chunks");
            out.printf(
                    "  %s  %s  %s  %d bytes, %d chunks%n",
                    t(tensor.get("name")),
                    tensor.get("dtype"),
                    Arrays.toString((long[]) tensor.get("shape")),
                    (Long) tensor.get("bytes"),
                    chunks.size());
            for (Map<String, Object> chunk : chunks) {
                out.printf(
                        "    %-28s rank %-4s %12d bytes%n",
                        chunk.get("slice"), chunk.get("rank"), (Long) chunk.get("bytes"));
            }
        }
    }

    /**
     * Verifies a distributed checkpoint for {@code odyssey verify}.
     *
     * @param dir the checkpoint directory
     * @param out receives the verdict when intact
     * @param err receives the damage
     * @return 0 intact, 1 damaged or unreadable
     */
    static int verify(Path dir, PrintWriter out, PrintWriter err) {
        try {
            Map<String, Object> report = inspect(dir);
            if ("intact".equals(report.get("integrity"))) {
                out.println(
                        dir
                                + ": intact (distributed checkpoint of "
                                + report.get("world_size")
                                + " ranks, "
                                + ((List<?>) report.get("tensors")).size()
                                + " tensors; every file and chunk block matches its checksum)");
                return 0;
            }
            err.println("odyssey verify: damaged: " + t(report.get("integrity_detail")));
            return 1;
        } catch (IOException e) {
            err.println("odyssey verify: " + OdysseyCommand.describe(e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
