/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.examples.bench.CheckpointBenchmark;
import org.mlodyssey.djl.examples.bench.CompressionBenchmark;
import org.mlodyssey.djl.examples.bench.DatasetBenchmark;
import org.mlodyssey.djl.examples.bench.ListenerBenchmark;
import org.mlodyssey.djl.examples.bench.StorageBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code odyssey bench checkpoint|data|listener|compression|storage}: the benchmarks' side-by-side
 * tables.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its side-by-side table.",
        subcommands = {
            BenchCommand.Checkpoint.class,
            BenchCommand.Data.class,
            BenchCommand.Listener.class,
            BenchCommand.Compression.class,
            DistributedBenchCommand.class,
            BenchCommand.Storage.class
        })
public final class BenchCommand implements Runnable {

    @Spec private CommandLine.Model.CommandSpec spec;

    /** Without a benchmark named, a usage error listing them. */
    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Name a benchmark: compression, checkpoint, data, listener or storage");
    }

    /** Runs a benchmark with a print stream that feeds the command's output. */
    private static int print(CommandLine.Model.CommandSpec spec, BenchmarkBody body)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (PrintStream stream = new PrintStream(new WriterStream(out), true, "UTF-8")) {
            body.run(stream);
        }
        out.flush();
        return 0;
    }

    /**
     * Runs a benchmark in the given directory, or in a new temporary one that is deleted at the
     * end, whatever the outcome.
     */
    private static int inDirectory(Path dir, String prefix, BenchmarkIn body) throws Exception {
        Path where = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory(prefix);
        try {
            return body.run(where);
        } finally {
            if (dir == null) {
                AtomicFiles.deleteRecursively(where);
            }
        }
    }

    /** A benchmark run in a directory. */
    @FunctionalInterface
    private interface BenchmarkIn {
        int run(Path where) throws Exception;
    }

    private static void atLeast(CommandLine.Model.CommandSpec spec, String flag, int v, int min) {
        if (v < min) {
            throw new ParameterException(
                    spec.commandLine(), flag + ": must be at least " + min + ", got " + v);
        }
    }

    /** A benchmark printing to a stream. */
    @FunctionalInterface
    private interface BenchmarkBody {
        void run(PrintStream out) throws Exception;
    }

    /** Bytes to a writer, decoded as UTF-8 line by line. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.print(line.toString(StandardCharsets.UTF_8));
            writer.flush();
            line.reset();
        }
    }

    /**
     * A benchmark that writes files: its {@code --dir} option, or a new temporary directory that is
     * deleted at the end, and its table printed to the command's output.
     */
    private abstract static class DirectoryBenchmark implements Callable<Integer> {

        @Spec CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--dir",
                paramLabel = "D",
                description = "where files go (default: a temporary directory, deleted at the end)")
        private Path dir;

        private final String prefix;

        DirectoryBenchmark(String prefix) {
            this.prefix = prefix;
        }

        /** Checks the options; a usage error for a bad one. */
        abstract void checkOptions();

        /** Runs the benchmark in a directory, printing to a stream. */
        abstract void run(Path where, PrintStream out) throws Exception;

        /** {@inheritDoc} */
        @Override
        public Integer call() throws Exception {
            checkOptions();
            return inDirectory(dir, prefix, where -> print(spec, out -> run(where, out)));
        }
    }

    /** {@code odyssey bench checkpoint}. */
    @Command(
            name = "checkpoint",
            mixinStandardHelpOptions = true,
            description =
                    "Save and load of a parameter set: djl-odyssey's format against DJL's own"
                            + " Model.save/load (CheckpointBenchmark).")
    static final class Checkpoint extends DirectoryBenchmark {

        @Option(
                names = "--mib",
                defaultValue = "256",
                description = "parameter set size in MiB, at least 4 (default: ${DEFAULT-VALUE})")
        private int mib;

        @Option(
                names = "--repetitions",
                defaultValue = "5",
                description = "timings per operation (default: ${DEFAULT-VALUE})")
        private int repetitions;

        Checkpoint() {
            super("odyssey-bench");
        }

        @Override
        void checkOptions() {
            atLeast(spec, "--mib", mib, 4);
            atLeast(spec, "--repetitions", repetitions, 1);
        }

        @Override
        void run(Path where, PrintStream out) throws Exception {
            CheckpointBenchmark.runBenchmark(mib, repetitions, where, out);
        }
    }

    /** {@code odyssey bench data}. */
    @Command(
            name = "data",
            mixinStandardHelpOptions = true,
            description =
                    "One shuffled epoch of 60,000 28x28 images: the datasets module's Emnist"
                            + " against DJL's ArrayDataset path (DatasetBenchmark).")
    static final class Data implements Callable<Integer> {

        @Spec private CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--data-dir",
                paramLabel = "D",
                description =
                        "a directory with Fashion-MNIST's IDX files (default:"
                                + " /usr/share/datasets/fashion-mnist if present, else random"
                                + " images)")
        private Path dataDir;

        /** {@inheritDoc} */
        @Override
        public Integer call() throws Exception {
            String[] args = dataDir == null ? new String[0] : new String[] {dataDir.toString()};
            return print(
                    spec,
                    out -> out.println(DatasetBenchmark.format(DatasetBenchmark.runExample(args))));
        }
    }

    /** {@code odyssey bench listener}. */
    @Command(
            name = "listener",
            mixinStandardHelpOptions = true,
            description =
                    "How long training is blocked per automatic checkpoint: synchronous against"
                            + " asynchronous saving (ListenerBenchmark).")
    static final class Listener extends DirectoryBenchmark {

        @Option(
                names = "--mib",
                defaultValue = "128",
                description = "parameter size in MiB (default: ${DEFAULT-VALUE})")
        private int mib;

        @Option(
                names = "--saves",
                defaultValue = "5",
                description = "checkpoints per mode (default: ${DEFAULT-VALUE})")
        private int saves;

        @Option(
                names = "--every",
                defaultValue = "10",
                description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
        private int every;

        Listener() {
            super("odyssey-listener-bench");
        }

        @Override
        void checkOptions() {
            atLeast(spec, "--mib", mib, 1);
            atLeast(spec, "--saves", saves, 1);
            atLeast(spec, "--every", every, 1);
        }

        @Override
        void run(Path where, PrintStream out) throws Exception {
            ListenerBenchmark.runBenchmark(mib, saves, every, where, out);
        }
    }

    /** {@code odyssey bench compression}. */
    @Command(
            name = "compression",
            mixinStandardHelpOptions = true,
            description =
                    "Size ratio and save/load throughput of compressed checkpoints made by"
                            + " odyssey train (LeNet, ResNet-20; float32, bfloat16, float16):"
                            + " none, zstd on raw bytes, filters + zstd at several levels"
                            + " (CompressionBenchmark).")
    static final class Compression extends DirectoryBenchmark {

        @Option(
                names = "--repetitions",
                defaultValue = "3",
                description = "timings per operation (default: ${DEFAULT-VALUE})")
        private int repetitions;

        Compression() {
            super("odyssey-compression-bench");
        }

        @Override
        void checkOptions() {
            atLeast(spec, "--repetitions", repetitions, 1);
        }

        @Override
        void run(Path where, PrintStream out) throws Exception {
            CompressionBenchmark.runBenchmark(repetitions, where, out);
        }
    }

    /** {@code odyssey bench storage}. */
    @Command(
            name = "storage",
            mixinStandardHelpOptions = true,
            description =
                    "Save and load of a checkpoint to a local directory and to an S3-compatible"
                            + " server on 127.0.0.1: single-stream against parallel multipart,"
                            + " unthrottled and with each connection limited as AWS S3 limits it;"
                            + " compressed against uncompressed through "
                            + StorageBenchmark.FAST_LINK_MB_PER_S
                            + " and "
                            + StorageBenchmark.LINK_MB_PER_S
                            + " MB/s links (StorageBenchmark).")
    static final class Storage extends DirectoryBenchmark {

        @Option(
                names = "--mib",
                defaultValue = "256",
                description = "checkpoint size in MiB, at least 1 (default: ${DEFAULT-VALUE})")
        private int mib;

        @Option(
                names = "--link-mib",
                defaultValue = "32",
                description =
                        "checkpoint size in MiB through the limited link, at least 1 (default:"
                                + " ${DEFAULT-VALUE})")
        private int linkMib;

        @Option(
                names = "--repetitions",
                defaultValue = "3",
                description = "timings per operation (default: ${DEFAULT-VALUE})")
        private int repetitions;

        @Option(
                names = "--warm-ups",
                defaultValue = "1",
                description =
                        "untimed saves and loads of each row before its timings, unthrottled"
                                + " (default: ${DEFAULT-VALUE})")
        private int warmUps;

        @Option(
                names = "--shards",
                defaultValue = "8",
                description =
                        "shards of the sharded rows, each uploaded by its own thread, at least 1"
                                + " (default: ${DEFAULT-VALUE})")
        private int shards;

        @Option(
                names = "--per-connection-mbps",
                defaultValue = "50",
                description =
                        "also time the S3 rows through a relay limiting each connection to this"
                                + " many MB/s, as AWS S3 limits each connection; 0 to skip"
                                + " (default: ${DEFAULT-VALUE})")
        private int perConnectionMbps;

        Storage() {
            super("odyssey-storage-bench");
        }

        @Override
        void checkOptions() {
            atLeast(spec, "--mib", mib, 1);
            atLeast(spec, "--link-mib", linkMib, 1);
            atLeast(spec, "--repetitions", repetitions, 1);
            atLeast(spec, "--warm-ups", warmUps, 0);
            atLeast(spec, "--shards", shards, 1);
            atLeast(spec, "--per-connection-mbps", perConnectionMbps, 0);
        }

        @Override
        void run(Path where, PrintStream out) throws Exception {
            StorageBenchmark.runBenchmark(
                    new StorageBenchmark.Settings(
                            mib, linkMib, repetitions, warmUps, shards, perConnectionMbps),
                    where,
                    out);
        }
    }
}
