/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import static org.mlodyssey.djl.examples.bench.StorageBenchmark.LOCAL;
import static org.mlodyssey.djl.examples.bench.StorageBenchmark.SIGNED;
import static org.mlodyssey.djl.examples.bench.StorageBenchmark.SINGLE;
import static org.mlodyssey.djl.examples.bench.StorageBenchmark.SINGLE_UNSIGNED;
import static org.mlodyssey.djl.examples.bench.StorageBenchmark.UNSIGNED;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the first table of {@link StorageBenchmark}: each row's save and load, unthrottled and
 * through the per-connection limit; the CPU time of each unthrottled save, the server's share and
 * how many cores it kept busy; and each parallel row against the single stream of its signing, with
 * the most its CPU time lets a save gain on this machine's cores.
 */
final class StorageTable {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private StorageTable() {}

    /**
     * Prints the table.
     *
     * @param open the rows of the unthrottled condition, the local directory's first
     * @param limited the rows through the per-connection limit; empty where it was not measured
     * @param settings what was measured
     * @param bytes the checkpoint file's size
     * @param out where the table goes
     */
    static void print(
            Map<String, StorageRowTimer.Row> open,
            Map<String, StorageRowTimer.Row> limited,
            StorageBenchmark.Settings settings,
            long bytes,
            PrintStream out) {
        int perConnectionMbps = settings.perConnectionMbps();
        out.printf(
                Locale.ROOT,
                "Save and load of a %.0f MiB checkpoint file (float32 values), median of %d"
                        + " after %d untimed (unthrottled);"
                        + " S3Proxy 2.6 (filesystem backend) on 127.0.0.1 over http, AWS SDK"
                        + " 2.31; signed = the SDK's SigV4 payload hash over http, unsigned ="
                        + " UNSIGNED-PAYLOAD with the checksum header signed; %d cores, load"
                        + " average %s%n",
                bytes / 1048576.0,
                settings.repetitions(),
                settings.warmUps(),
                CORES,
                CompressionBenchmark.loadAverage());
        String limitedTitle = perConnectionMbps + " MB/s per connection";
        out.printf(
                Locale.ROOT,
                "%-58s %-39s %s%n",
                "",
                "unthrottled",
                limited.isEmpty() ? "" : limitedTitle);
        String columns =
                String.format(Locale.ROOT, "%9s %9s %9s %9s", "save ms", "MB/s", "load ms", "MB/s");
        out.printf(
                Locale.ROOT, "%-58s %s%s%n", "", columns, limited.isEmpty() ? "" : "  " + columns);
        for (Map.Entry<String, StorageRowTimer.Row> row : open.entrySet()) {
            StorageRowTimer.Row other = limited.get(row.getKey());
            out.printf(
                    Locale.ROOT,
                    "%-58s %s%s%n",
                    row.getKey(),
                    cells(row.getValue(), bytes),
                    other == null ? "" : "  " + cells(other, bytes));
        }
        printCpu(open, out);
        summary(open, "unthrottled", true, out);
        if (!limited.isEmpty()) {
            summary(limited, limitedTitle, false, out);
        }
    }

    private static String cells(StorageRowTimer.Row times, long bytes) {
        return String.format(
                Locale.ROOT,
                "%9.0f %9.0f %9.0f %9.0f",
                times.save() * 1e3,
                bytes / times.save() / 1e6,
                times.load() * 1e3,
                bytes / times.load() / 1e6);
    }

    /** Prints the CPU time of each unthrottled save. */
    private static void printCpu(Map<String, StorageRowTimer.Row> rows, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "CPU time of each unthrottled save (medians): the JVM's (client, server and the"
                        + " rest), of it S3Proxy's request threads'; cores busy = CPU / wall, of"
                        + " %d%n",
                CORES);
        out.printf(
                Locale.ROOT,
                "%-58s %9s %9s %9s %10s%n",
                "",
                "save ms",
                "CPU ms",
                "server ms",
                "cores busy");
        for (Map.Entry<String, StorageRowTimer.Row> entry : rows.entrySet()) {
            StorageRowTimer.Row row = entry.getValue();
            out.printf(
                    Locale.ROOT,
                    "%-58s %9.0f %9.0f %9.0f %10.2f%n",
                    entry.getKey(),
                    row.save() * 1e3,
                    row.saveCpu() * 1e3,
                    row.saveServerCpu() * 1e3,
                    row.saveCpu() / row.save());
        }
    }

    /**
     * Prints each parallel row against the single stream of the same signing: signed rows against
     * the plain client's, unsigned rows against the store's one-part stream; with {@code cpu}, also
     * the most a save using the row's CPU time could gain over that stream on this machine's cores.
     */
    private static void summary(
            Map<String, StorageRowTimer.Row> rows, String condition, boolean cpu, PrintStream out) {
        StorageRowTimer.Row local = rows.get(LOCAL);
        for (Map.Entry<String, StorageRowTimer.Row> entry : rows.entrySet()) {
            String name = entry.getKey();
            boolean unsigned = name.endsWith(UNSIGNED);
            if (name.equals(SINGLE)
                    || name.equals(SINGLE_UNSIGNED)
                    || !(unsigned || name.endsWith(SIGNED))) {
                continue;
            }
            StorageRowTimer.Row row = entry.getValue();
            StorageRowTimer.Row single = rows.get(unsigned ? SINGLE_UNSIGNED : SINGLE);
            out.printf(
                    Locale.ROOT,
                    "%s, %s: save %.1fx%s and load %.1fx as fast as single-stream (%s)%s%n",
                    name,
                    condition,
                    single.save() / row.save(),
                    cpu
                            ? String.format(
                                    Locale.ROOT,
                                    " (its CPU time allows at most %.1fx on %d cores)",
                                    single.save() / row.cpuFloor(CORES),
                                    CORES)
                            : "",
                    single.load() / row.load(),
                    unsigned ? "unsigned" : "signed",
                    local == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; load time %.1fx the local directory's",
                                    row.load() / local.load()));
        }
    }
}
