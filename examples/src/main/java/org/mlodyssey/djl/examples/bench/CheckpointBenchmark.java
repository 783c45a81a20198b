/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
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
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.ndarray.NDArrayFiles;
import org.mlodyssey.djl.checkpoint.ndarray.UnsafeDTypes;

/**
 * Measures, in one run and side by side, saving and loading a float32 parameter set with
 * djl-odyssey, with DJL's {@code Model.save}/{@code Model.load}, and as raw sequential file I/O of
 * the same byte count. Each figure is the median of several repetitions; all files live in the same
 * directory, so they share the page cache's conditions.
 */
public final class CheckpointBenchmark {

    private static final String RAW_TOUCHED = "load raw read (touched memory)";
    private static final String RAW_FRESH = "load raw read (fresh memory)";

    private CheckpointBenchmark() {}

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args {@code [sizeMiB [repetitions [directory]]]}, default 256 MiB, 5 repetitions, a
     *     temporary directory
     * @throws Exception if a file cannot be written or read
     */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ScratchDirectory.run(
                args, 2, "odyssey-bench", dir -> runBenchmark(mib, repetitions, dir, System.out));
    }

    /**
     * Runs the benchmark.
     *
     * @param mib the parameter set's size in MiB (float32), at least 4
     * @param repetitions how many times each operation is timed
     * @param dir the directory for the files (emptied of the benchmark's files afterwards, also
     *     when it fails)
     * @param out where the table is printed
     * @return the median seconds of each operation, by row label
     * @throws IOException if a file cannot be written or read
     */
    public static Map<String, Double> runBenchmark(
            int mib, int repetitions, Path dir, PrintStream out) throws IOException {
        int layers = 4;
        int width = (int) Math.sqrt((double) mib * (1 << 20) / 4 / layers);
        Map<String, Double> medians = new LinkedHashMap<>();
        try (Model model = Model.newInstance("bench");
                NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock block = new SequentialBlock();
            for (int i = 0; i < layers; i++) {
                block.add(Linear.builder().setUnits(width).build());
            }
            block.setInitializer(new NormalInitializer(), Parameter.Type.WEIGHT);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, width));
            model.setBlock(block);
            Map<String, NDArray> parameters = parameters(block);
            long bytes = 0;
            for (NDArray array : parameters.values()) {
                bytes += array.size() * 4;
            }
            out.printf(
                    Locale.ROOT,
                    "Parameter set: %d float32 tensors, %.1f MiB (%d x Linear %d->%d)%n",
                    parameters.size(),
                    bytes / 1048576.0,
                    layers,
                    width,
                    width);

            Path ours = dir.resolve("bench.safetensors");
            Path djlDir = Files.createDirectories(dir.resolve("djl"));
            Path raw = dir.resolve("raw.bin");
            ByteBuffer rawData = ByteBuffer.allocateDirect(Math.toIntExact(bytes));
            for (NDArray array : parameters.values()) {
                rawData.put(array.toByteBuffer(true));
            }
            rawData.flip();

            WriteOptions fast = WriteOptions.builder().optDurable(false).build();
            WriteOptions durable = WriteOptions.defaults();
            medians.put(
                    "save odyssey (no fsync)",
                    time(repetitions, () -> NDArrayFiles.save(ours, parameters, Map.of(), fast)));
            medians.put(
                    "save DJL Model.save", time(repetitions, () -> model.save(djlDir, "bench")));
            medians.put(
                    "save raw write (no fsync)",
                    time(repetitions, () -> rawWrite(raw, rawData, false)));
            medians.put(
                    "save odyssey durable (fsync)",
                    time(
                            repetitions,
                            () -> NDArrayFiles.save(ours, parameters, Map.of(), durable)));
            medians.put(
                    "save raw write + fsync",
                    time(repetitions, () -> rawWrite(raw, rawData, true)));
            medians.put(
                    "load odyssey in place (verified)",
                    time(repetitions, () -> NDArrayFiles.loadInto(ours, parameters)));
            medians.put(RAW_TOUCHED, time(repetitions, () -> rawRead(raw, rawData)));
            Map<String, ReadOptions> newArrays = new LinkedHashMap<>();
            newArrays.put("load odyssey new arrays (verified)", ReadOptions.defaults());
            newArrays.put(
                    "load odyssey new arrays (unverified)",
                    ReadOptions.builder().optVerify(false).build());
            newArrays.put(
                    "load odyssey new arrays (owned, verified)",
                    ReadOptions.builder().optOwnedMemory(true).build());
            for (Map.Entry<String, ReadOptions> row : newArrays.entrySet()) {
                medians.put(
                        row.getKey(),
                        time(repetitions, () -> loadNew(ours, manager, row.getValue())));
            }
            long size = bytes;
            medians.put(RAW_FRESH, time(repetitions, () -> rawReadFresh(raw, size, manager)));
            medians.put(
                    "load DJL Model.load",
                    time(
                            repetitions,
                            () -> {
                                try {
                                    model.load(djlDir, "bench");
                                } catch (MalformedModelException e) {
                                    throw new IOException(e);
                                }
                            }));
            String torchNote = TorchLoad.time(dir, parameters, repetitions, medians);
            printTable(medians, bytes, out);
            if (torchNote != null) {
                out.println(torchNote);
            }
            out.printf(
                    Locale.ROOT,
                    "load speed-up vs DJL Model.load: %.1fx (in place), %.1fx (new arrays)%n",
                    medians.get("load DJL Model.load")
                            / medians.get("load odyssey in place (verified)"),
                    medians.get("load DJL Model.load")
                            / medians.get("load odyssey new arrays (verified)"));
            out.printf(
                    Locale.ROOT,
                    "save speed-up vs DJL Model.save (no fsync): %.1fx%n",
                    medians.get("save DJL Model.save") / medians.get("save odyssey (no fsync)"));
            out.printf(
                    Locale.ROOT,
                    "durable save / raw fsync'd write: %.2fx%n",
                    medians.get("save odyssey durable (fsync)")
                            / medians.get("save raw write + fsync"));
        } finally {
            AtomicFiles.deleteRecursively(dir.resolve("djl"));
            Files.deleteIfExists(dir.resolve("bench.safetensors"));
            Files.deleteIfExists(dir.resolve("raw.bin"));
        }
        return medians;
    }

    /**
     * Prints the table: each load row also as a multiple of the raw read it compares with (in
     * place: into touched memory; new arrays and other loaders: into fresh memory).
     */
    private static void printTable(Map<String, Double> medians, long bytes, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "%-42s %10s %10s %14s%n",
                "operation",
                "median s",
                "MB/s",
                "x raw read");
        for (Map.Entry<String, Double> row : medians.entrySet()) {
            String label = row.getKey();
            String ratio = "";
            if (label.startsWith("load") && !label.startsWith("load raw read")) {
                String floor = label.contains("in place") ? RAW_TOUCHED : RAW_FRESH;
                ratio =
                        String.format(
                                Locale.ROOT,
                                "%.2fx %s",
                                row.getValue() / medians.get(floor),
                                RAW_TOUCHED.equals(floor) ? "touched" : "fresh");
            }
            out.println(
                    String.format(
                                    Locale.ROOT,
                                    "%-42s %10.3f %10.0f %14s",
                                    label,
                                    row.getValue(),
                                    bytes / 1e6 / row.getValue(),
                                    ratio)
                            .stripTrailing());
        }
    }

    /** Loads the file as new CPU arrays, touches one value of each, then closes them. */
    private static void loadNew(Path file, NDManager manager, ReadOptions options)
            throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            NDArrayFiles.load(file, scope, Device.cpu(), options, UnsafeDTypes.FAIL);
        }
    }

    /**
     * Reads the file into memory the engine has just allocated (untouched, as a new array's): the
     * floor for any load that copies into new arrays.
     */
    private static void rawReadFresh(Path file, long bytes, NDManager manager) throws IOException {
        try (NDArray fresh = manager.create(new Shape(bytes), DataType.UINT8)) {
            rawRead(file, NDArrayFiles.writableMemoryOf(fresh));
        }
    }

    private static Map<String, NDArray> parameters(Block block) {
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            parameters.put(pair.getKey(), pair.getValue().getArray());
        }
        return parameters;
    }

    private static void rawWrite(Path file, ByteBuffer data, boolean fsync) throws IOException {
        try (FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer view = data.duplicate();
            while (view.hasRemaining()) {
                channel.write(view);
            }
            if (fsync) {
                channel.force(true);
            }
        }
    }

    private static void rawRead(Path file, ByteBuffer target) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer view = target.duplicate().clear();
            while (view.hasRemaining() && channel.read(view) >= 0) {
                // keep reading
            }
        }
    }

    /** An operation to time. */
    @FunctionalInterface
    private interface Operation {
        void run() throws IOException;
    }

    private static double time(int repetitions, Operation operation) throws IOException {
        List<Double> seconds = new ArrayList<>();
        operation.run(); // warm-up
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            operation.run();
            seconds.add((System.nanoTime() - start) / 1e9);
        }
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
