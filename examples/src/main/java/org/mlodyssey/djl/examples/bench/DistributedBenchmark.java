/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.mlodyssey.djl.checkpoint.format.AtomicFiles;

/**
 * Measures, in one run and side by side, a distributed checkpoint of float32 tensors (8 tensors,
 * split by rows) saved into a local directory by 1, 2 and 4 writer processes and loaded by 1 and 4
 * reader processes, next to a raw sequential write of the same bytes with fsync. Each process
 * prepares its data first; the clock runs from the moment all are told to start until the last is
 * done (for a save: until the commit). The CPU time the processes used tells whether the CPU or the
 * disk was the limit.
 */
public final class DistributedBenchmark {

    private DistributedBenchmark() {}

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args {@code [sizeMiB [directory]]}, default 1024 MiB and a temporary directory
     * @throws Exception if a process fails or a file cannot be written
     */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        Path dir =
                args.length > 1
                        ? Files.createDirectories(Path.of(args[1]))
                        : Files.createTempDirectory("odyssey-distributed-bench");
        try {
            runBenchmark(
                    mib,
                    new int[] {1, 2, 4},
                    new int[] {1, 4},
                    dir,
                    new PrintWriter(
                            new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                            true));
        } finally {
            if (args.length <= 1) {
                AtomicFiles.deleteRecursively(dir);
            }
        }
    }

    /** One timed run of several processes. */
    record Run(
            String what,
            int processes,
            long nanos,
            long cpuNanos,
            long read,
            long requested,
            double machineBusy,
            double ioWait) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param mib the checkpoint's size in MiB, at least 8
     * @param writers the writer counts to save with
     * @param readers the reader counts to load with (from the checkpoint of the most writers)
     * @param dir where the checkpoints go (in {@code store/}, removed at the end)
     * @param out receives the table
     * @return the runs: the saves, then the loads
     * @throws Exception if a process fails
     */
    public static List<Run> runBenchmark(
            int mib, int[] writers, int[] readers, Path dir, PrintWriter out) throws Exception {
        try {
            return measure(mib, writers, readers, dir, out);
        } finally {
            AtomicFiles.deleteRecursively(dir.resolve("store"));
        }
    }

    private static List<Run> measure(
            int mib, int[] writers, int[] readers, Path dir, PrintWriter out) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        long[] shape = DistributedBenchmarkRank.shape(mib);
        long bytes = shape[0] * shape[1] * 4 * DistributedBenchmarkRank.TENSORS;
        out.printf(
                Locale.ROOT,
                "distributed checkpoint: %d MiB in %d float32 tensors of %d x %d, split by rows;"
                        + " %s; %d cores%n",
                bytes >> 20,
                DistributedBenchmarkRank.TENSORS,
                shape[0],
                shape[1],
                dir,
                cores);
        Path loadavg = Path.of("/proc/loadavg");
        if (Files.isReadable(loadavg)) {
            out.println("load average before the run: " + Files.readString(loadavg).trim());
        }
        double raw = rawWrite(dir.resolve("raw.bin"), bytes);
        out.printf(
                Locale.ROOT,
                "%-22s %9s %10s %8s %9s %9s%n",
                "",
                "seconds",
                "MiB/s",
                "vs 1",
                "ours",
                "machine");
        out.printf(
                Locale.ROOT,
                "%-22s %9.2f %10.1f %8s %9s%n",
                "raw write + fsync",
                raw,
                bytes / raw / (1 << 20),
                "",
                "");
        List<Run> runs = new ArrayList<>();
        String lastCheckpoint = null;
        Run first = null;
        for (int w : writers) {
            lastCheckpoint = "save-by-" + w;
            Run run = run("save", w, dir.resolve("store"), lastCheckpoint, mib);
            first = first == null ? run : first;
            runs.add(run);
            print(out, run, bytes, first, cores);
        }
        Run firstLoad = null;
        for (int r : readers) {
            Run run = run("load", r, dir.resolve("store"), lastCheckpoint, mib);
            firstLoad = firstLoad == null ? run : firstLoad;
            runs.add(run);
            print(out, run, bytes, firstLoad, cores);
        }
        Run most = runs.get(writers.length - 1);
        double busy = (double) most.cpuNanos() / (most.nanos() * (double) cores);
        boolean cpuBound = most.machineBusy() >= 0.9;
        out.printf(
                Locale.ROOT,
                "limit with %d writers: %s (all cores %.0f%% busy, %.0f%% of them by the writers,"
                        + " %.0f%% waiting for I/O; the save ran at %.0f%% of the raw write's"
                        + " speed, one writer at %.0f%%)%n",
                most.processes(),
                cpuBound ? "the CPU" : "the disk",
                most.machineBusy() * 100,
                busy * 100,
                most.ioWait() * 100,
                100 * raw / most.seconds(),
                100 * raw / first.seconds());
        out.println(
                "loads read a checkpoint just written, so mostly from the page cache, not the"
                        + " disk");
        return runs;
    }

    private static void print(PrintWriter out, Run run, long bytes, Run base, int cores) {
        double busy = (double) run.cpuNanos() / (run.nanos() * (double) cores);
        String ratio =
                run.requested() > 0
                        ? String.format(
                                Locale.ROOT,
                                "  read/requested %.4f",
                                (double) run.read() / run.requested())
                        : "";
        out.printf(
                Locale.ROOT,
                "%-22s %9.2f %10.1f %7.2fx %8.0f%% %8.0f%%%s%n",
                run.what()
                        + " by "
                        + run.processes()
                        + (run.what().equals("save") ? " writers" : " readers"),
                run.seconds(),
                bytes / run.seconds() / (1 << 20),
                (double) base.nanos() / run.nanos(),
                busy * 100,
                run.machineBusy() * 100,
                ratio);
    }

    /** Writes bytes sequentially with one channel and fsyncs: what the disk takes at best. */
    private static double rawWrite(Path file, long bytes) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(8 << 20);
        for (int i = 0; i < block.capacity(); i++) {
            block.put(i, (byte) (i * 31 + (i >> 9)));
        }
        long t0 = System.nanoTime();
        try (FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < bytes; ) {
                block.clear().limit((int) Math.min(block.capacity(), bytes - done));
                done += channel.write(block);
            }
            channel.force(true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.delete(file);
        return seconds;
    }

    /** Starts the processes, lets them prepare, starts them together, waits for the last. */
    private static Run run(String mode, int world, Path store, String checkpoint, int mib)
            throws Exception {
        long heapMib = (long) mib / world + 256;
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int rank = 0; rank < world; rank++) {
                Process process =
                        new ProcessBuilder(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "-Xmx" + heapMib + "m",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        DistributedBenchmarkRank.class.getName(),
                                        mode,
                                        store.toString(),
                                        checkpoint,
                                        Integer.toString(rank),
                                        Integer.toString(world),
                                        Integer.toString(mib))
                                .redirectError(ProcessBuilder.Redirect.INHERIT)
                                .start();
                processes.add(process);
                outputs.add(
                        new BufferedReader(
                                new InputStreamReader(
                                        process.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader output : outputs) {
                expect(output, "READY");
            }
            long[] stat0 = MachineCpu.sample();
            long t0 = System.nanoTime();
            for (Process process : processes) {
                OutputStream in = process.getOutputStream();
                in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            long cpu = 0;
            long read = 0;
            long requested = 0;
            for (BufferedReader output : outputs) {
                String[] done = expect(output, "DONE").split(" ");
                cpu += Long.parseLong(done[2]);
                read += Long.parseLong(done[3]);
                requested += Long.parseLong(done[4]);
            }
            long nanos = System.nanoTime() - t0;
            long[] stat1 = MachineCpu.sample();
            for (Process process : processes) {
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("a " + mode + " process failed");
                }
            }
            return new Run(
                    mode,
                    world,
                    nanos,
                    cpu,
                    read,
                    requested,
                    MachineCpu.busy(stat0, stat1),
                    MachineCpu.ioWait(stat0, stat1));
        } finally {
            for (Process process : processes) {
                process.destroyForcibly();
            }
        }
    }

    private static String expect(BufferedReader output, String prefix) throws IOException {
        String line;
        while ((line = output.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("a benchmark process ended before printing " + prefix);
    }
}
