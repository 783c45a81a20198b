/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.datasets.Emnist;
import org.mlodyssey.djl.datasets.idx.IdxArray;
import org.mlodyssey.djl.datasets.idx.IdxReader;
import org.mlodyssey.djl.datasets.idx.IdxType;
import org.mlodyssey.djl.datasets.idx.IdxWriter;

/**
 * Compares one shuffled epoch (batch 128, float32 normalised NDArrays) of a 60,000-image 28x28 set
 * through {@link Emnist} against DJL's own path: an {@link ArrayDataset} of float32 arrays built as
 * DJL's {@code Mnist} builds it (data (N, 28, 28, 1) float32, labels float32, per-record {@code
 * ToTensor} then the one-channel form of {@code Normalize}), and the memory each holds.
 *
 * <p>The images are Debian's Fashion-MNIST training set when {@code
 * /usr/share/datasets/fashion-mnist} holds it (or the directory given as first argument), otherwise
 * 60,000 random images. Run: {@code java -cp examples/target/odyssey.jar
 * org.mlodyssey.djl.examples.bench.DatasetBenchmark [fashion-mnist-dir]}.
 */
public final class DatasetBenchmark {

    /** The batch size of the comparison. */
    public static final int BATCH_SIZE = 128;

    /** Epochs of each path run before timing, to warm up the JIT and the engine. */
    public static final int WARMUP_EPOCHS = 2;

    /** Timed epochs of each path, interleaved; the median is reported. */
    public static final int TIMED_EPOCHS = 5;

    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private DatasetBenchmark() {}

    /**
     * The figures of one run.
     *
     * @param images the number of images in the set
     * @param source where the images came from
     * @param oursEpochMillis our median time for one shuffled epoch, after warm-up
     * @param djlEpochMillis DJL's median time for one shuffled epoch, after warm-up
     * @param oursBytes the bytes our dataset holds (pixels and labels)
     * @param djlBytes the bytes DJL's dataset holds (its float32 data and label arrays)
     * @param oursRssBytes the growth of the process's resident memory when ours was prepared
     * @param djlRssBytes the growth of the process's resident memory when DJL's was prepared
     */
    public record Result(
            int images,
            String source,
            double oursEpochMillis,
            double djlEpochMillis,
            long oursBytes,
            long djlBytes,
            long oursRssBytes,
            long djlRssBytes) {

        /**
         * Returns how many times faster our epoch is.
         *
         * @return DJL's epoch time over ours
         */
        public double speedup() {
            return djlEpochMillis / oursEpochMillis;
        }

        /**
         * Returns the fraction of DJL's held bytes that ours holds.
         *
         * @return our bytes over DJL's bytes
         */
        public double memoryRatio() {
            return (double) oursBytes / djlBytes;
        }
    }

    /**
     * Runs the benchmark and prints the figures.
     *
     * @param args optionally, a directory holding Fashion-MNIST's IDX files
     * @throws Exception if the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Result r = runExample(args);
        System.out.println(format(r));
    }

    /**
     * Formats a result as a side-by-side table.
     *
     * @param r the result
     * @return the table
     */
    public static String format(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%d images 28x28 (%s), one shuffled epoch, batch %d, float32 normalised;"
                                + " median of %d epochs after %d warm-up epochs, engine threads:"
                                + " intra-op %s, inter-op %s%n",
                        r.images(),
                        r.source(),
                        BATCH_SIZE,
                        TIMED_EPOCHS,
                        WARMUP_EPOCHS,
                        System.getProperty("ai.djl.pytorch.num_threads", "default"),
                        System.getProperty("ai.djl.pytorch.num_interop_threads", "default")));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-34s %14s %14s %10s%n",
                        "",
                        "djl-odyssey",
                        "DJL ArrayDS",
                        "ratio"));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-34s %14.0f %14.0f %9.1fx%n",
                        "epoch time, median (ms)",
                        r.oursEpochMillis(),
                        r.djlEpochMillis(),
                        r.speedup()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-34s %14.1f %14.1f %10.3f%n",
                        "dataset bytes held (MB)",
                        r.oursBytes() / 1e6,
                        r.djlBytes() / 1e6,
                        r.memoryRatio()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-34s %14.1f %14.1f%n",
                        "resident memory growth (MB)",
                        r.oursRssBytes() / 1e6,
                        r.djlRssBytes() / 1e6));
        return sb.toString();
    }

    /**
     * Runs the benchmark.
     *
     * @param args optionally, a directory holding Fashion-MNIST's IDX files
     * @return the figures
     * @throws Exception if the data cannot be read
     */
    public static Result runExample(String[] args) throws Exception {
        Path source = args.length > 0 ? Path.of(args[0]) : FASHION_MNIST;
        Path work = Files.createTempDirectory("odyssey-bench");
        try (NDManager manager = NDManager.newBaseManager()) {
            String description = stageData(source, work);

            long rss0 = residentBytes();
            Emnist ours =
                    Emnist.builder()
                            .optDataDir(work)
                            .optSplit(Emnist.Split.MNIST)
                            .optUsage(RandomAccessDataset.Usage.TRAIN)
                            .setSampling(BATCH_SIZE, true)
                            .build();
            ours.prepare();
            long oursRss = residentBytes() - rss0;

            long rss1 = residentBytes();
            NDManager djlManager = manager.newSubManager();
            ArrayDataset djl = djlDataset(work, djlManager);
            long djlRss = residentBytes() - rss1;
            long djlBytes = 0;
            for (NDArray a : djlManager.getManagedArrays()) {
                djlBytes += a.size() * a.getDataType().getNumOfBytes();
            }

            for (int i = 0; i < WARMUP_EPOCHS; i++) {
                epoch(manager, ours);
                epoch(manager, djl);
            }
            double[] oursTimes = new double[TIMED_EPOCHS];
            double[] djlTimes = new double[TIMED_EPOCHS];
            for (int i = 0; i < TIMED_EPOCHS; i++) {
                oursTimes[i] = epoch(manager, ours);
                djlTimes[i] = epoch(manager, djl);
            }
            double oursMillis = median(oursTimes);
            double djlMillis = median(djlTimes);
            Result r =
                    new Result(
                            (int) ours.size(),
                            description,
                            oursMillis,
                            djlMillis,
                            ours.getStoredBytes(),
                            djlBytes,
                            oursRss,
                            djlRss);
            djlManager.close();
            return r;
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Iterates one epoch, closing each batch; returns the time taken in milliseconds. */
    private static double epoch(NDManager manager, RandomAccessDataset dataset) throws Exception {
        long start = System.nanoTime();
        long images = 0;
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                NDArray data = batch.getData().head();
                if (data.getDataType() != DataType.FLOAT32 || data.getShape().get(1) != 1) {
                    throw new IllegalStateException("unexpected batch " + data);
                }
                images += batch.getSize();
            }
        }
        if (images != dataset.size()) {
            throw new IllegalStateException(images + " images in an epoch of " + dataset.size());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Builds DJL's path as DJL's {@code Mnist} does: float32 data (N, 28, 28, 1), ToTensor. */
    private static ArrayDataset djlDataset(Path work, NDManager manager) throws IOException {
        Path gz = work.resolve("gzip");
        IdxArray images =
                IdxReader.readAll(
                        gz.resolve("emnist-mnist-train-images-idx3-ubyte.gz"),
                        IdxType.UNSIGNED_BYTE,
                        3);
        IdxArray labels =
                IdxReader.readAll(
                        gz.resolve("emnist-mnist-train-labels-idx1-ubyte.gz"),
                        IdxType.UNSIGNED_BYTE,
                        1);
        int n = images.getDimensions()[0];
        NDArray data;
        try (NDArray u8 = manager.create(new Shape(n, 28, 28, 1), DataType.UINT8)) {
            u8.set(images.getData());
            data = u8.toType(DataType.FLOAT32, false);
        }
        NDArray label;
        try (NDArray u8 = manager.create(new Shape(n), DataType.UINT8)) {
            u8.set(labels.getData());
            label = u8.toType(DataType.FLOAT32, false);
        }
        return new ArrayDataset.Builder()
                .setData(data)
                .optLabels(label)
                .addTransform(new ToTensor())
                // DJL's Normalize transform assumes three channels; this is its one-channel form
                .addTransform(
                        array -> array.sub(Emnist.NORMALIZE_MEAN[0]).divi(Emnist.NORMALIZE_STD[0]))
                .setSampling(BATCH_SIZE, true)
                .build();
    }

    /** Puts the images into the data directory under EMNIST's mnist-split names. */
    private static String stageData(Path source, Path work) throws IOException {
        Path gz = work.resolve("gzip");
        Files.createDirectories(gz);
        Path images = source.resolve("train-images-idx3-ubyte.gz");
        Path labels = source.resolve("train-labels-idx1-ubyte.gz");
        String description;
        if (Files.isRegularFile(images) && Files.isRegularFile(labels)) {
            Files.copy(images, gz.resolve("emnist-mnist-train-images-idx3-ubyte.gz"));
            Files.copy(labels, gz.resolve("emnist-mnist-train-labels-idx1-ubyte.gz"));
            description = "Fashion-MNIST train from " + source;
        } else {
            int n = 60_000;
            byte[] pixels = new byte[n * 784];
            byte[] lbl = new byte[n];
            Random random = new Random(42);
            random.nextBytes(pixels);
            for (int i = 0; i < n; i++) {
                lbl[i] = (byte) random.nextInt(10);
            }
            IdxWriter.writeFile(
                    gz.resolve("emnist-mnist-train-images-idx3-ubyte.gz"),
                    true,
                    IdxType.UNSIGNED_BYTE,
                    pixels,
                    n,
                    28,
                    28);
            IdxWriter.writeFile(
                    gz.resolve("emnist-mnist-train-labels-idx1-ubyte.gz"),
                    true,
                    IdxType.UNSIGNED_BYTE,
                    lbl,
                    n);
            description = "random images";
        }
        StringBuilder mapping = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            mapping.append(c).append(' ').append(48 + c).append('\n');
        }
        Files.writeString(
                gz.resolve("emnist-mnist-mapping.txt"), mapping, StandardCharsets.US_ASCII);
        return description;
    }

    /** The process's resident set size after a garbage collection (Linux), or 0 elsewhere. */
    private static long residentBytes() throws IOException {
        System.gc();
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[1]) * 1024;
            }
        }
        return 0;
    }
}
