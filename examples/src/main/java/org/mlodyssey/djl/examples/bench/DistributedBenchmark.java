/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.function.ToLongFunction;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.examples.bench.RankProcesses.Run;

/**
 * Measures, in one run and side by side, a distributed checkpoint of float32 tensors (8 tensors,
 * split by rows) saved into a local directory by 1, 2 and 4 writer processes and loaded by 1 and 4
 * reader processes, next to raw writes of the same bytes with fsync by as many threads as writers
 * ({@link RawParallelWrite}): what this disk gives to N concurrent writers. Each process starts and
 * runs three untimed 8 MiB warm-up saves or loads and prepares its data first; the clock runs from
 * the moment all are told to start until the last is done (for a save: until the commit), so JVM
 * start-up and warm-up are not timed ({@link RankProcesses}). Each save's phases are printed per
 * rank ({@code SaveTimings}). A save within reach of the raw write of as many writers is limited by
 * the disk; one on cores that are all busy, by the CPU.
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
                    3,
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

    /**
     * Runs the benchmark.
     *
     * @param mib the checkpoint's size in MiB, at least 8
     * @param writers the writer counts to save with
     * @param readers the reader counts to load with (from the checkpoint of the most writers)
     * @param repetitions how many times each row is measured (its median is printed)
     * @param dir where the checkpoints go (in {@code store/}, removed at the end)
     * @param out receives the table
     * @return the median runs: the saves, then the loads
     * @throws Exception if a process fails
     */
    public static List<Run> runBenchmark(
            int mib, int[] writers, int[] readers, int repetitions, Path dir, PrintWriter out)
            throws Exception {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be at least 1: " + repetitions);
        }
        try {
            return measure(mib, writers, readers, repetitions, dir, out);
        } finally {
            AtomicFiles.deleteRecursively(dir.resolve("store"));
        }
    }

    private static List<Run> measure(
            int mib, int[] writers, int[] readers, int repetitions, Path dir, PrintWriter out)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        long[] shape = DistributedBenchmarkRank.shape(mib);
        long bytes = shape[0] * shape[1] * 4 * DistributedBenchmarkRank.TENSORS;
        Path store = dir.resolve("store");
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
        printLoad(out, "before the run");
        out.printf(
                Locale.ROOT,
                "timed: from all processes started, warmed up (three untimed 8 MiB saves or loads"
                    + " each) and prepared until the last is done (a save: committed); raw: N"
                    + " threads of one process writing and fsyncing a share each; every row the"
                    + " median of %d runs (the rows in turn, each save deleted after it, after an"
                    + " untimed raw write)%n",
                repetitions);
        // The first write of this many bytes after a while costs more (fresh page-cache memory):
        // an untimed one first, so that the first timed row is not the one that pays for it.
        RawParallelWrite.run(dir, bytes, 1);
        List<List<RawParallelWrite.Result>> raws = new ArrayList<>();
        List<List<Run>> saves = new ArrayList<>();
        for (int i = 0; i < writers.length; i++) {
            raws.add(new ArrayList<>());
            saves.add(new ArrayList<>());
        }
        String kept = null;
        for (int rep = 0; rep < repetitions; rep++) {
            for (int i = 0; i < writers.length; i++) {
                raws.get(i).add(RawParallelWrite.run(dir, bytes, writers[i]));
                String checkpoint = "save-by-" + writers[i] + "-" + rep;
                saves.get(i).add(RankProcesses.run("save", writers[i], store, checkpoint, mib));
                if (rep == repetitions - 1 && i == writers.length - 1) {
                    kept = checkpoint;
                } else {
                    AtomicFiles.deleteRecursively(store.resolve(checkpoint));
                    AtomicFiles.deleteRecursively(
                            store.resolve(checkpoint + DistributedBenchmarkRank.WARM_UP_SUFFIX));
                }
            }
        }
        List<List<Run>> loads = new ArrayList<>();
        for (int i = 0; i < readers.length; i++) {
            loads.add(new ArrayList<>());
        }
        for (int rep = 0; rep < repetitions; rep++) {
            for (int i = 0; i < readers.length; i++) {
                loads.get(i).add(RankProcesses.run("load", readers[i], store, kept, mib));
            }
        }
        printTable(out, bytes, cores, raws, saves, loads);
        List<Run> runs = new ArrayList<>();
        saves.forEach(list -> runs.add(median(list, Run::nanos)));
        loads.forEach(list -> runs.add(median(list, Run::nanos)));
        printPhases(out, runs);
        int last = writers.length - 1;
        RawParallelWrite.Result rawMost = median(raws.get(last), RawParallelWrite.Result::nanos);
        RawParallelWrite.Result rawOne = median(raws.get(0), RawParallelWrite.Result::nanos);
        printLimit(out, runs.get(last), rawMost, runs.get(0), rawOne);
        RawParallelWrite.Result fastest = rawOne;
        for (List<RawParallelWrite.Result> list : raws) {
            RawParallelWrite.Result raw = median(list, RawParallelWrite.Result::nanos);
            fastest = raw.nanos() < fastest.nanos() ? raw : fastest;
        }
        out.printf(
                Locale.ROOT,
                "the disk's best: %.0f MiB/s (raw by %d), %.2fx one writer's save: the most that"
                        + " more writers could gain on this disk%n",
                bytes / fastest.seconds() / (1 << 20),
                fastest.writers(),
                runs.get(0).seconds() / fastest.seconds());
        double gib = bytes / (double) (1L << 30);
        out.printf(
                Locale.ROOT,
                "CPU seconds per GiB written: raw by 1 %.2f, raw by %d %.2f; save by 1 %.2f, save"
                        + " by %d %.2f%n",
                rawOne.cpuNanos() / 1e9 / gib,
                writers[last],
                rawMost.cpuNanos() / 1e9 / gib,
                runs.get(0).cpuNanos() / 1e9 / gib,
                writers[last],
                runs.get(last).cpuNanos() / 1e9 / gib);
        out.println(
                "loads read a checkpoint just written, so mostly from the page cache, not the"
                        + " disk");
        printLoad(out, "after the run");
        return runs;
    }

    private static void printTable(
            PrintWriter out,
            long bytes,
            int cores,
            List<List<RawParallelWrite.Result>> raws,
            List<List<Run>> saves,
            List<List<Run>> loads) {
        out.printf(
                Locale.ROOT,
                "%-24s %8s %13s %9s %9s %9s %6s %8s%n",
                "",
                "seconds",
                "range",
                "MiB/s",
                "vs 1",
                "vs raw N",
                "ours",
                "machine");
        RawParallelWrite.Result rawOne = median(raws.get(0), RawParallelWrite.Result::nanos);
        for (List<RawParallelWrite.Result> list : raws) {
            RawParallelWrite.Result raw = median(list, RawParallelWrite.Result::nanos);
            out.printf(
                    Locale.ROOT,
                    "%-24s %8.2f %13s %9.1f %8.2fx %9s %5.0f%% %7.0f%%%n",
                    "raw write + fsync by " + raw.writers(),
                    raw.seconds(),
                    range(list, RawParallelWrite.Result::nanos),
                    bytes / raw.seconds() / (1 << 20),
                    rawOne.seconds() / raw.seconds(),
                    "",
                    100.0 * raw.cpuNanos() / (raw.nanos() * (double) cores),
                    raw.machineBusy() * 100);
        }
        Run saveOne = median(saves.get(0), Run::nanos);
        for (int i = 0; i < saves.size(); i++) {
            RawParallelWrite.Result raw = median(raws.get(i), RawParallelWrite.Result::nanos);
            print(out, saves.get(i), bytes, saveOne, raw, cores);
        }
        Run loadOne = median(loads.get(0), Run::nanos);
        for (List<Run> list : loads) {
            print(out, list, bytes, loadOne, null, cores);
        }
    }

    /**
     * Returns the median element by a measure (of an even count, the upper middle one, as {@link
     * CompressionBenchmark#median} takes it).
     */
    static <T> T median(List<T> list, ToLongFunction<T> measure) {
        List<T> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(measure));
        return sorted.get(sorted.size() / 2);
    }

    private static <T> String range(List<T> list, ToLongFunction<T> measure) {
        LongSummaryStatistics stats = list.stream().mapToLong(measure).summaryStatistics();
        return String.format(Locale.ROOT, "%.2f-%.2f", stats.getMin() / 1e9, stats.getMax() / 1e9);
    }

    private static void printLoad(PrintWriter out, String when) throws java.io.IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (Files.isReadable(loadavg)) {
            out.println("load average " + when + ": " + Files.readString(loadavg).trim());
        }
    }

    private static void print(
            PrintWriter out,
            List<Run> runs,
            long bytes,
            Run base,
            RawParallelWrite.Result raw,
            int cores) {
        Run run = median(runs, Run::nanos);
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
                "%-24s %8.2f %13s %9.1f %8.2fx %9s %5.0f%% %7.0f%%%s%n",
                run.what()
                        + " by "
                        + run.processes()
                        + (run.what().equals("save") ? " writers" : " readers"),
                run.seconds(),
                range(runs, Run::nanos),
                bytes / run.seconds() / (1 << 20),
                (double) base.nanos() / run.nanos(),
                raw == null
                        ? ""
                        : String.format(Locale.ROOT, "%.2fx", raw.seconds() / run.seconds()),
                busy * 100,
                run.machineBusy() * 100,
                ratio);
    }

    private static void printPhases(PrintWriter out, List<Run> runs) {
        out.println(
                "phases of each median save, seconds per rank (from: its start after the common"
                        + " one; file: its bytes, CRC32Cs, fsync, rename;"
                        + " gather: manifest published and, on rank 0, every rank's awaited;"
                        + " commit: rank 0 validates and writes metadata.json, others await it)");
        for (Run run : runs) {
            if (!run.what().equals("save")) {
                continue;
            }
            for (int r = 0; r < run.ranks().size(); r++) {
                long[] p = run.ranks().get(r);
                out.printf(
                        Locale.ROOT,
                        "  %d writers, rank %d: from +%.3f, total %.2f = check %.3f + file %.2f +"
                                + " gather %.3f + commit %.3f; cpu %.2f%n",
                        run.processes(),
                        r,
                        p[6] / 1e9,
                        p[0] / 1e9,
                        p[2] / 1e9,
                        p[3] / 1e9,
                        p[4] / 1e9,
                        p[5] / 1e9,
                        p[1] / 1e9);
            }
        }
    }

    private static void printLimit(
            PrintWriter out,
            Run most,
            RawParallelWrite.Result rawMost,
            Run one,
            RawParallelWrite.Result rawOne) {
        double ofRaw = rawMost.seconds() / most.seconds();
        boolean cpuBound = most.machineBusy() >= 0.9;
        String limit =
                ofRaw >= 0.8
                        ? "the disk (the save runs at the speed of as many raw writers)"
                        : cpuBound
                                ? "the CPU (all cores busy, short of the raw writers' speed)"
                                : "waiting in the save (short of the raw writers, cores idle)";
        out.printf(
                Locale.ROOT,
                "limit with %d writers: %s: %.0f%% of %d raw writers' speed (one writer: %.0f%% of"
                        + " one raw writer); %d raw writers get %.2fx one raw writer from this"
                        + " disk; all cores %.0f%% busy, %.0f%% by the writers, %.0f%% waiting for"
                        + " I/O%n",
                most.processes(),
                limit,
                100 * ofRaw,
                most.processes(),
                100 * rawOne.seconds() / one.seconds(),
                most.processes(),
                rawOne.seconds() / rawMost.seconds(),
                most.machineBusy() * 100,
                100.0
                        * most.cpuNanos()
                        / (most.nanos() * (double) Runtime.getRuntime().availableProcessors()),
                most.ioWait() * 100);
    }
}
