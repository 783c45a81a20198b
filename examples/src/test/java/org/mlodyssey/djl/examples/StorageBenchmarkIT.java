/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.examples.bench.StorageBenchmark;

/**
 * {@code odyssey bench storage} starts its S3-compatible server on 127.0.0.1 from the command
 * line's class path and prints both tables: every row of the first, both rows of the limited link.
 */
class StorageBenchmarkIT {

    @TempDir Path dir;

    @Test
    void printsTheStorageAndLimitedLinkTables() {
        Cli.Outcome o =
                Cli.run(
                        "bench",
                        "storage",
                        "--mib",
                        "1",
                        "--link-mib",
                        "1",
                        "--repetitions",
                        "1",
                        "--warm-ups",
                        "0",
                        "--dir",
                        dir.toString());
        assertEquals(0, o.exit(), o.toString());
        for (String row :
                new String[] {
                    "local directory (fsync)",
                    "S3 single-stream PutObject/GetObject",
                    "parts/ranges, signed, CRC32C",
                    "parts/ranges, unsigned, MD5",
                    "as fast as single-stream (signed)",
                    "as fast as single-stream (unsigned)",
                    "S3 store: one PutObject/GetObject, unsigned, MD5",
                    "50 MB/s per connection",
                    "parts/ranges, signed, CRC32C, 50 MB/s per connection: save",
                    "S3 store: 1 shard in parallel, a PUT each, signed, CRC32C",
                    "in parallel, a PUT each, unsigned, MD5, unthrottled: save",
                    "CPU time of each unthrottled save (medians)",
                    "server ms",
                    "cores busy",
                    "(its CPU time allows at most",
                    "through a " + StorageBenchmark.LINK_MB_PER_S + " MB/s link",
                    "uncompressed",
                    "zstd (default filter) *"
                }) {
            assertTrue(o.out().contains(row), row + " in\n" + o.out());
        }
    }

    @Test
    void sizesAreChecked() {
        Cli.Outcome o = Cli.run("bench", "storage", "--link-mib", "0");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("--link-mib: must be at least 1"), o.err());
        o = Cli.run("bench", "storage", "--shards", "0");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("--shards: must be at least 1"), o.err());
        o = Cli.run("bench", "storage", "--warm-ups", "-1");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("--warm-ups: must be at least 0"), o.err());
    }
}
