/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time from Linux's {@code /proc/stat}: how busy all cores were between two
 * samples, and how much of the time they waited for I/O. Elsewhere the samples are empty and both
 * figures are NaN.
 */
final class MachineCpu {

    private MachineCpu() {}

    /**
     * Samples the machine's CPU counters.
     *
     * @return user, nice, system, idle, iowait, irq, softirq, steal jiffies; empty off Linux
     */
    static long[] sample() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] fields = first.trim().split("\\s+");
            long[] values = new long[Math.min(8, fields.length - 1)];
            for (int i = 0; i < values.length; i++) {
                values[i] = Long.parseLong(fields[i + 1]);
            }
            return values;
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    /**
     * Returns the CPU time this process used so far.
     *
     * @return nanoseconds
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The fraction of all cores' time spent running something (not idle, not I/O wait). */
    static double busy(long[] before, long[] after) {
        if (before.length < 5 || after.length < 5) {
            return Double.NaN;
        }
        long total = total(after) - total(before);
        long idle = after[3] - before[3] + after[4] - before[4];
        return total == 0 ? Double.NaN : 1 - (double) idle / total;
    }

    /** The fraction of all cores' time spent idle waiting for I/O. */
    static double ioWait(long[] before, long[] after) {
        if (before.length < 5 || after.length < 5) {
            return Double.NaN;
        }
        long total = total(after) - total(before);
        return total == 0 ? Double.NaN : (double) (after[4] - before[4]) / total;
    }

    private static long total(long[] values) {
        long sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum;
    }
}
