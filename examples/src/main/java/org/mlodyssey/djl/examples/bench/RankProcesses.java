/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the writer or reader processes of {@link DistributedBenchmark}: starts one JVM per rank,
 * waits until every one has started and prepared its data ({@code READY}), then starts the clock,
 * tells them all to go and stops it when the last reports {@code DONE}. JVM start-up and data
 * preparation are outside the timed interval.
 */
final class RankProcesses {

    /**
     * One timed run of several processes.
     *
     * @param what {@code save} or {@code load}
     * @param processes the number of processes
     * @param nanos the wall time from go to the last process done
     * @param cpuNanos the CPU time the processes used meanwhile, summed
     * @param read the bytes the readers read
     * @param requested the bytes the readers asked for
     * @param machineBusy the fraction of all cores busy meanwhile
     * @param ioWait the fraction of all cores waiting for I/O meanwhile
     * @param ranks per rank: wall, CPU, the save's phases (check, file, gather, commit), then how
     *     long after the common start the rank started, in nanoseconds
     */
    record Run(
            String what,
            int processes,
            long nanos,
            long cpuNanos,
            long read,
            long requested,
            double machineBusy,
            double ioWait,
            List<long[]> ranks) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    private RankProcesses() {}

    /** Starts the processes, lets them prepare, starts them together, waits for the last. */
    static Run run(String mode, int world, Path store, String checkpoint, int mib)
            throws Exception {
        long share = (long) mib / world;
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int rank = 0; rank < world; rank++) {
                Process process =
                        new ProcessBuilder(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "-Xmx" + (2 * share + 256) + "m",
                                        "-XX:MaxDirectMemorySize=" + (share + 256) + "m",
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
            List<long[]> ranks = new ArrayList<>();
            for (BufferedReader output : outputs) {
                String[] done = expect(output, "DONE").split(" ");
                ranks.add(Arrays.stream(done).skip(1).mapToLong(Long::parseLong).toArray());
            }
            long nanos = System.nanoTime() - t0;
            long[] stat1 = MachineCpu.sample();
            for (Process process : processes) {
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("a " + mode + " process failed");
                }
            }
            long cpu = 0;
            long read = 0;
            long requested = 0;
            List<long[]> perRank = new ArrayList<>();
            for (long[] r : ranks) {
                cpu += r[1];
                read += r[2];
                requested += r[3];
                perRank.add(new long[] {r[0], r[1], r[4], r[5], r[6], r[7], r[8] - t0});
            }
            return new Run(
                    mode,
                    world,
                    nanos,
                    cpu,
                    read,
                    requested,
                    MachineCpu.busy(stat0, stat1),
                    MachineCpu.ioWait(stat0, stat1),
                    perRank);
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
