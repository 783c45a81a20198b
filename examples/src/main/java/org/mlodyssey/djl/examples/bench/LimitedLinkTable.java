/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.format.TensorHeader;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.ObjectReaderChannel;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * The limited-link tables of {@link StorageBenchmark}: a compressed and an uncompressed checkpoint
 * saved to and loaded from the bucket through a link limited to a number of MB/s, as {@code
 * StoredNDArrays} saves and loads them.
 */
final class LimitedLinkTable {

    private static final String LINK_KEY = "link.safetensors";

    private LimitedLinkTable() {}

    /**
     * Saves and loads a checkpoint through a limited link as {@code StoredNDArrays} does:
     * uncompressed, the file streams into the store; compressed, it is written to a local temporary
     * file, then uploaded. A load reads every tensor from the object with ranged reads and verifies
     * it ({@link ParallelTensorReads} over an {@link ObjectReaderChannel}).
     */
    static void print(
            S3StoreOptions options,
            TensorFile checkpoint,
            int rate,
            int repetitions,
            Path dir,
            PrintStream out)
            throws IOException {
        long raw = 0;
        for (Tensor tensor : checkpoint.tensors().values()) {
            raw += tensor.byteSize();
        }
        int mib = (int) (raw >> 20);
        out.printf(
                Locale.ROOT,
                "%nA %d MiB float32 checkpoint (values from N(0, 0.02)) through a %d MB/s link to"
                        + " the same server, as StoredNDArrays saves and loads: uncompressed ="
                        + " streamed into the store; zstd = written to a local temporary file,"
                        + " then uploaded; load = ranged reads of every tensor, decoded and"
                        + " verified; median of %d; load average %s%n",
                mib,
                rate,
                repetitions,
                CompressionBenchmark.loadAverage());
        out.printf(
                Locale.ROOT,
                "%-24s %9s %9s %9s %9s %9s%n",
                "",
                "MiB sent",
                "save ms",
                "MB/s",
                "load ms",
                "MB/s");
        List<ByteBuffer> targets = new ArrayList<>();
        for (Tensor tensor : checkpoint.tensors().values()) {
            targets.add(ByteBuffer.allocateDirect((int) tensor.byteSize()));
        }
        double[] row = new double[2];
        try (S3CheckpointStore store =
                S3CheckpointStore.open("s3://" + StorageBenchmark.BUCKET + "/link", options)) {
            for (Compression compression :
                    new Compression[] {
                        Compression.none(), Compression.zstd(Compression.DEFAULT_LEVEL)
                    }) {
                double[] saves = new double[repetitions];
                double[] loads = new double[repetitions];
                long sent = 0;
                for (int r = 0; r < repetitions; r++) {
                    long start = System.nanoTime();
                    sent = save(store, checkpoint, compression, dir).size();
                    saves[r] = (System.nanoTime() - start) / 1e9;
                    start = System.nanoTime();
                    try (TensorFileReader reader =
                                    TensorFileReader.open(
                                            Path.of(store.locationOf(LINK_KEY)),
                                            new ObjectReaderChannel(store.open(LINK_KEY)),
                                            true,
                                            TensorHeader.DEFAULT_MAX_HEADER_BYTES);
                            TensorFile loaded = TensorFile.of(reader)) {
                        ParallelTensorReads.copy(
                                new ArrayList<>(loaded.tensors().values()), targets);
                    }
                    loads[r] = (System.nanoTime() - start) / 1e9;
                }
                double save = CompressionBenchmark.median(saves);
                double load = CompressionBenchmark.median(loads);
                out.printf(
                        Locale.ROOT,
                        "%-24s %9.1f %9.0f %9.0f %9.0f %9.0f%n",
                        compression.enabled() ? "zstd (default filter) *" : "uncompressed",
                        sent / 1048576.0,
                        save * 1e3,
                        raw / save / 1e6,
                        load * 1e3,
                        raw / load / 1e6);
                if (!compression.enabled()) {
                    row[0] = save;
                    row[1] = load;
                } else {
                    out.printf(
                            Locale.ROOT,
                            "at %d MB/s, compressed: save %.2fx and load %.2fx the uncompressed"
                                    + " time%n",
                            rate,
                            save / row[0],
                            load / row[1]);
                }
            }
        }
    }

    /** Saves a checkpoint under {@link #LINK_KEY} as {@code StoredNDArrays.save} does. */
    private static WrittenObject save(
            CheckpointStore store, TensorFile checkpoint, Compression compression, Path dir)
            throws IOException {
        if (!compression.enabled()) {
            return store.write(
                    LINK_KEY,
                    channel ->
                            TensorFileWriter.writeTo(
                                    channel, checkpoint.tensors(), checkpoint.metadata()));
        }
        Path local = Files.createTempFile(dir, "link-", ".safetensors");
        try {
            checkpoint.save(
                    local,
                    WriteOptions.builder().optDurable(false).optCompression(compression).build());
            return store.write(LINK_KEY, channel -> copy(local, channel));
        } finally {
            Files.delete(local);
        }
    }

    private static void copy(Path from, java.nio.channels.WritableByteChannel to)
            throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
            long size = in.size();
            long at = 0;
            while (at < size) {
                at += in.transferTo(at, size - at, to);
            }
        }
    }
}
