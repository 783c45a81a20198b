/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Times the saves and loads of one row of {@link StorageBenchmark}, and the CPU time each save
 * took: the whole JVM's (the client, the loopback server and everything else in it) and, of it, the
 * server's threads' (S3Proxy's Jetty pool, whose threads are named {@value #SERVER_THREADS}...; a
 * lower bound, since a thread that ends during the save is not counted). On a machine whose cores
 * the server shares with the client, a save cannot take less than its CPU time over the cores,
 * which bounds what parallel requests can gain.
 *
 * <p>Call {@link #startSave}, {@link #endSave}, {@link #startLoad} and {@link #endLoad} in turn for
 * each repetition, the untimed warm-ups with a negative index; {@link #row} gives the medians.
 */
final class StorageRowTimer {

    /** The name prefix of S3Proxy's request threads. */
    static final String SERVER_THREADS = "S3Proxy";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final double[] saves;
    private final double[] loads;
    private final double[] saveCpu;
    private final double[] saveServerCpu;
    private long started;
    private long cpuAtStart;
    private Map<Long, Long> serverAtStart;

    /**
     * Creates a timer for {@code repetitions} timed saves and loads.
     *
     * @param repetitions how many are timed
     */
    StorageRowTimer(int repetitions) {
        saves = new double[repetitions];
        loads = new double[repetitions];
        saveCpu = new double[repetitions];
        saveServerCpu = new double[repetitions];
    }

    /** Marks the start of a save, the CPU counters read before the clock starts. */
    void startSave() {
        serverAtStart = serverThreadsCpu();
        cpuAtStart = MachineCpu.processCpuNanos();
        started = System.nanoTime();
    }

    /**
     * Marks the end of a save, the clock stopped before the CPU counters are read.
     *
     * @param i the repetition, negative for a warm-up (not recorded)
     */
    void endSave(int i) {
        double wall = (System.nanoTime() - started) / 1e9;
        long cpu = MachineCpu.processCpuNanos() - cpuAtStart;
        long server = 0;
        for (Map.Entry<Long, Long> thread : serverThreadsCpu().entrySet()) {
            // a thread started during the save counts from 0; one that ended is not counted
            server += thread.getValue() - serverAtStart.getOrDefault(thread.getKey(), 0L);
        }
        if (i >= 0) {
            saves[i] = wall;
            saveCpu[i] = cpu / 1e9;
            saveServerCpu[i] = server / 1e9;
        }
    }

    /** Marks the start of a load. */
    void startLoad() {
        started = System.nanoTime();
    }

    /**
     * Marks the end of a load.
     *
     * @param i the repetition, negative for a warm-up (not recorded)
     */
    void endLoad(int i) {
        double wall = (System.nanoTime() - started) / 1e9;
        if (i >= 0) {
            loads[i] = wall;
        }
    }

    /**
     * Returns the medians of the recorded repetitions.
     *
     * @return the row
     */
    Row row() {
        return new Row(
                CompressionBenchmark.median(saves),
                CompressionBenchmark.median(loads),
                CompressionBenchmark.median(saveCpu),
                CompressionBenchmark.median(saveServerCpu));
    }

    /** The CPU time of each live server thread, by thread id, in nanoseconds. */
    private static Map<Long, Long> serverThreadsCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(SERVER_THREADS)) {
                long nanos = THREADS.getThreadCpuTime(thread.getThreadId());
                if (nanos >= 0) {
                    cpu.put(thread.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    /**
     * The medians of one row, in seconds.
     *
     * @param save the save's wall time
     * @param load the load's wall time
     * @param saveCpu the CPU time of the whole JVM during a save
     * @param saveServerCpu the part of it the server's request threads took
     */
    record Row(double save, double load, double saveCpu, double saveServerCpu) {

        /**
         * Returns the shortest time a save doing this row's work could take on {@code cores} cores:
         * its CPU time spread evenly over all of them.
         *
         * @param cores the machine's cores
         * @return seconds
         */
        double cpuFloor(int cores) {
            return saveCpu / cores;
        }
    }
}
