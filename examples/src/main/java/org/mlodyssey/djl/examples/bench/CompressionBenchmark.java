/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.format.ChunkFilter;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.examples.DatasetKind;
import org.mlodyssey.djl.examples.DemoEmnistFiles;
import org.mlodyssey.djl.examples.ModelKind;
import org.mlodyssey.djl.examples.OptimizerKind;
import org.mlodyssey.djl.examples.TrainClassifier;
import org.mlodyssey.djl.examples.TrainingOptions;

/**
 * Measures, side by side in one run, the size ratio and the save and load throughput of compressed
 * checkpoints: no compression, zstd on the raw bytes, and byte-shuffle or exponent-split filters
 * before zstd at several levels, on real checkpoints (parameters and Adam state) made by {@code
 * odyssey train} (LeNet and ResNet-20 on the demo's EMNIST-format files), and on the same tensors
 * cast to bfloat16 and float16 in Java. A last column times a save followed by a copy through a
 * sink limited to {@value #SINK_MB_PER_S} MB/s, standing for a slow network or object store.
 */
public final class CompressionBenchmark {

    /** The bandwidth of the limited sink, in MB/s (10^6 bytes per second). */
    public static final int SINK_MB_PER_S = 50;

    /** The bytes (uncompressed) one timing saves or loads, repeating the set as needed. */
    private static final long TIMED_BYTES = 16L << 20;

    /** The size of the set the throughput table saves and loads, in MiB. */
    private static final int THROUGHPUT_MIB = 128;

    /** The default codec with zstd's own match search at level 3 in the plane frames. */
    private static final String FULL_SEARCH = "split-planes+zstd-3, full search";

    private CompressionBenchmark() {}

    /** A named compression setting. */
    private record Setting(String name, Compression compression) {}

    private static List<Setting> settings() {
        return List.of(
                new Setting("none", Compression.none()),
                new Setting("zstd-3 raw bytes", Compression.zstd(3).withFilter(ChunkFilter.NONE)),
                new Setting("shuffle+zstd-3", Compression.zstd(3).withFilter(ChunkFilter.SHUFFLE)),
                new Setting("split+zstd-3", Compression.zstd(3).withFilter(ChunkFilter.SPLIT)),
                new Setting(
                        "shuffle-planes+zstd-3",
                        Compression.zstd(3).withFilter(ChunkFilter.SHUFFLE_PLANES)),
                new Setting("split-planes+zstd-1", Compression.zstd(1)),
                new Setting("split-planes+zstd-3 *", Compression.zstd(Compression.DEFAULT_LEVEL)),
                new Setting(FULL_SEARCH, Compression.zstd(3).withPlaneMatchSearch(true)),
                new Setting("split-planes+zstd-9", Compression.zstd(9)));
    }

    /**
     * Trains the two models with {@code odyssey train} (2 epochs of 45 steps), then prints the
     * table.
     *
     * @param repetitions timings per operation (the median is printed)
     * @param dir where the data, checkpoints and files go
     * @param out where the table goes
     * @throws IOException if a file cannot be written or read
     */
    public static void runBenchmark(int repetitions, Path dir, PrintStream out) throws IOException {
        Path data = dir.resolve("data");
        DemoEmnistFiles.write(data, 40, 2, 1); // 1,440 training images: 45 steps per epoch
        Map<String, Map<String, Tensor>> sets = new LinkedHashMap<>();
        Map<String, Tensor> resnet = null;
        for (ModelKind kind : List.of(ModelKind.LENET, ModelKind.RESNET20)) {
            String model = kind.cliName();
            Map<String, Tensor> f32 = train(kind, data, dir.resolve("run-" + model));
            resnet = f32;
            sets.put(model + " F32", f32);
            sets.put(model + " BF16", cast(f32, TensorDType.BF16));
            sets.put(model + " F16", cast(f32, TensorDType.F16));
        }
        out.printf(
                Locale.ROOT,
                "Checkpoints written by odyssey train (parameters + Adam state, Adam, demo EMNIST"
                    + " data), %d cores; median of %d timings of >= 16 MiB each; saves not fsynced;"
                    + " load = open, read, decompress and verify every tensor, all tensors at once"
                    + " (ParallelTensorReads); decode = the same without checksum verification"
                    + " (reads from the page cache, decompresses, unfilters); * = default; full"
                    + " search = zstd's own match search at level 3 in the plane frames (limited by"
                    + " default at levels 1-3); load average %s%n",
                Runtime.getRuntime().availableProcessors(),
                repetitions,
                loadAverage());
        out.printf(
                Locale.ROOT,
                "%-14s %-33s %8s %10s %10s %11s %16s%n",
                "checkpoint",
                "codec",
                "ratio",
                "save MB/s",
                "load MB/s",
                "decode MB/s",
                "save+" + SINK_MB_PER_S + "MB/s (ms)");
        for (Map.Entry<String, Map<String, Tensor>> set : sets.entrySet()) {
            long raw = 0;
            for (Tensor tensor : set.getValue().values()) {
                raw += tensor.byteSize();
            }
            for (Setting setting : settings()) {
                Row row = measure(set.getValue(), setting.compression(), repetitions, dir);
                out.printf(
                        Locale.ROOT,
                        "%-14s %-33s %7.3fx %10.0f %10.0f %11.0f %16.0f%n",
                        set.getKey() + (setting.compression().enabled() ? "" : mib(raw)),
                        setting.name(),
                        (double) raw / row.fileBytes,
                        raw / row.saveSeconds / 1e6,
                        raw / row.loadSeconds / 1e6,
                        raw / row.decodeSeconds / 1e6,
                        row.sinkSeconds * 1e3);
            }
        }
        throughput(resnet, repetitions, dir, out);
    }

    /**
     * Prints save, load and decode throughput of no compression and the default on a set of {@value
     * #THROUGHPUT_MIB} MiB: the tensors of a checkpoint repeated under new names, so that every
     * timing moves many chunks and per-file costs do not dominate.
     */
    private static void throughput(
            Map<String, Tensor> tensors, int repetitions, Path dir, PrintStream out)
            throws IOException {
        Map<String, Tensor> large = new LinkedHashMap<>();
        long bytes = 0;
        for (int copy = 0; bytes < ((long) THROUGHPUT_MIB << 20); copy++) {
            for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
                large.put(copy + "/" + entry.getKey(), entry.getValue());
                bytes += entry.getValue().byteSize();
            }
        }
        out.printf(
                Locale.ROOT,
                "%nThroughput on %.0f MiB (the ResNet-20 F32 checkpoint's tensors repeated),"
                        + " %d cores, load average %s%n",
                bytes / 1048576.0,
                Runtime.getRuntime().availableProcessors(),
                loadAverage());
        out.printf(
                Locale.ROOT,
                "%-33s %8s %10s %10s %11s%n",
                "codec",
                "ratio",
                "save MB/s",
                "load MB/s",
                "decode MB/s");
        for (Setting setting :
                List.of(
                        new Setting("none", Compression.none()),
                        new Setting("split-planes+zstd-1", Compression.zstd(1)),
                        new Setting(
                                "split-planes+zstd-3 *",
                                Compression.zstd(Compression.DEFAULT_LEVEL)),
                        new Setting(FULL_SEARCH, Compression.zstd(3).withPlaneMatchSearch(true)))) {
            Row row = measure(large, setting.compression(), repetitions, dir);
            out.printf(
                    Locale.ROOT,
                    "%-33s %7.3fx %10.0f %10.0f %11.0f%n",
                    setting.name(),
                    (double) bytes / row.fileBytes,
                    bytes / row.saveSeconds / 1e6,
                    bytes / row.loadSeconds / 1e6,
                    bytes / row.decodeSeconds / 1e6);
        }
    }

    /** The 1-minute load average (other jobs on the machine), or "?" where it is not known. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, " %.1fM", bytes / 1048576.0);
    }

    /** What one setting measured on one set. */
    private record Row(
            long fileBytes,
            double saveSeconds,
            double loadSeconds,
            double decodeSeconds,
            double sinkSeconds) {}

    private static Row measure(
            Map<String, Tensor> tensors, Compression compression, int repetitions, Path dir)
            throws IOException {
        TensorFile checkpoint = new TensorFile();
        tensors.forEach(checkpoint::put);
        Path file = dir.resolve("bench.safetensors");
        WriteOptions options =
                WriteOptions.builder().optDurable(false).optCompression(compression).build();
        double[] saves = new double[repetitions];
        double[] loads = new double[repetitions];
        double[] decodes = new double[repetitions];
        ReadOptions unverified = ReadOptions.builder().optVerify(false).build();
        long raw = 0;
        for (Tensor tensor : tensors.values()) {
            raw += tensor.byteSize();
        }
        // one target per tensor, so that a load reads (and decodes) all tensors at once
        ByteBuffer memory = ByteBuffer.allocateDirect((int) raw);
        List<ByteBuffer> targets = new ArrayList<>();
        for (Tensor tensor : tensors.values()) {
            targets.add(memory.slice(memory.position(), (int) tensor.byteSize()));
            memory.position(memory.position() + (int) tensor.byteSize());
        }
        // each timing saves (or loads) the set often enough to move TIMED_BYTES, so that a
        // timing of a small checkpoint is not a few milliseconds of noise
        long times = Math.max(1, (TIMED_BYTES + raw - 1) / raw);
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            for (long k = 0; k < times; k++) {
                checkpoint.save(file, options);
            }
            saves[r] = (System.nanoTime() - start) / 1e9 / times;
            start = System.nanoTime();
            for (long k = 0; k < times; k++) {
                try (TensorFile loaded = TensorFile.load(file)) {
                    ParallelTensorReads.copy(new ArrayList<>(loaded.tensors().values()), targets);
                }
            }
            loads[r] = (System.nanoTime() - start) / 1e9 / times;
            start = System.nanoTime();
            for (long k = 0; k < times; k++) {
                try (TensorFile loaded = TensorFile.load(file, unverified)) {
                    ParallelTensorReads.copy(new ArrayList<>(loaded.tensors().values()), targets);
                }
            }
            decodes[r] = (System.nanoTime() - start) / 1e9 / times;
        }
        long fileBytes = Files.size(file);
        Path copy = dir.resolve("sink.safetensors");
        long start = System.nanoTime();
        checkpoint.save(file, options);
        throttledCopy(file, copy, SINK_MB_PER_S * 1_000_000L);
        double sink = (System.nanoTime() - start) / 1e9;
        Files.delete(copy);
        Files.delete(file);
        return new Row(fileBytes, median(saves), median(loads), median(decodes), sink);
    }

    /** The median of timings. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Copies a file to another at most {@code bytesPerSecond}, in 256 KiB blocks. */
    static void throttledCopy(Path from, Path to, long bytesPerSecond) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(256 << 10);
        long start = System.nanoTime();
        long sent = 0;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out =
                        FileChannel.open(
                                to,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.WRITE)) {
            while (true) {
                block.clear();
                int n = in.read(block);
                if (n < 0) {
                    break;
                }
                block.flip();
                while (block.hasRemaining()) {
                    out.write(block);
                }
                sent += n;
                ThrottlingProxy.sleepUntil(start + sent * 1_000_000_000L / bytesPerSecond);
            }
        }
    }

    /**
     * Trains a model as {@code odyssey train --optimizer adam --epochs 2 --batch-size 32} does and
     * returns its last checkpoint's parameters and optimizer tensors, held in memory.
     */
    private static Map<String, Tensor> train(ModelKind model, Path data, Path run)
            throws IOException {
        TrainingOptions options =
                TrainingOptions.builder()
                        .setDataset(DatasetKind.EMNIST)
                        .optDataDir(data)
                        .optModel(model)
                        .optOptimizer(OptimizerKind.ADAM)
                        .optEpochs(2)
                        .optBatchSize(32)
                        .optResume("never")
                        .setCheckpointDirectory(run)
                        .build();
        Path checkpoint;
        try {
            checkpoint = TrainClassifier.train(options, List.of()).checkpoint();
        } catch (TranslateException e) {
            throw new IOException("training " + model.cliName() + " failed", e);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String file :
                List.of(TrainingCheckpoint.PARAMETERS_FILE, TrainingCheckpoint.OPTIMIZER_FILE)) {
            try (TensorFile loaded = TensorFile.load(checkpoint.resolve(file))) {
                for (Map.Entry<String, Tensor> entry : loaded.tensors().entrySet()) {
                    Tensor tensor = entry.getValue();
                    ByteBuffer bytes =
                            ByteBuffer.allocate((int) tensor.byteSize())
                                    .order(ByteOrder.LITTLE_ENDIAN);
                    tensor.copyTo(bytes);
                    bytes.flip();
                    tensors.put(
                            file.replace(".safetensors", "") + "/" + entry.getKey(),
                            Tensor.of(tensor.dtype(), tensor.shape(), bytes));
                }
            }
        }
        return tensors;
    }

    /** Casts every float32 tensor to bfloat16 or float16 (round to nearest even), in Java. */
    static Map<String, Tensor> cast(Map<String, Tensor> tensors, TensorDType to)
            throws IOException {
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            Tensor tensor = entry.getValue();
            if (tensor.dtype() != TensorDType.F32) {
                result.put(entry.getKey(), tensor);
                continue;
            }
            ByteBuffer in = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer out = ByteBuffer.allocate(in.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
            while (in.hasRemaining()) {
                float value = in.getFloat();
                out.putShort(to == TensorDType.BF16 ? toBfloat16(value) : toFloat16(value));
            }
            out.flip();
            result.put(entry.getKey(), Tensor.of(to, tensor.shape(), out));
        }
        return result;
    }

    /** Rounds a float to bfloat16, to nearest even; NaN stays NaN. */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Rounds a float to IEEE binary16, to nearest even, with subnormals, infinities and NaN. */
    static short toFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs > 0x7F800000) {
            return (short) (sign | 0x7E00);
        }
        if (abs >= 0x477FF000) { // rounds to 65520 or more: infinity
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x38800000) { // below 2^-14: a subnormal (or zero) in units of 2^-24
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(abs) * 0x1p24f));
        }
        int rounded = abs + 0xFFF + ((abs >>> 13) & 1);
        return (short) (sign | ((rounded - 0x38000000) >>> 13));
    }
}
