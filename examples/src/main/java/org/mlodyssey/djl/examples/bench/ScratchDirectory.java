/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;

/**
 * The directory a benchmark's {@code main} writes to: the one named on its command line (kept), or
 * a new temporary one deleted at the end, whatever the outcome.
 */
final class ScratchDirectory {

    /** What runs in the directory. */
    @FunctionalInterface
    interface Body {
        /**
         * Runs the benchmark.
         *
         * @param dir the directory
         * @throws Exception if the benchmark fails
         */
        void run(Path dir) throws Exception;
    }

    private ScratchDirectory() {}

    /**
     * Runs a benchmark in the directory named by an argument, or in a temporary one.
     *
     * @param args the benchmark's arguments
     * @param index the index of the directory among them
     * @param prefix the temporary directory's name prefix
     * @param body the benchmark
     * @throws Exception if the directory cannot be made or the benchmark fails
     */
    static void run(String[] args, int index, String prefix, Body body) throws Exception {
        boolean given = args.length > index;
        Path dir =
                given
                        ? Files.createDirectories(Path.of(args[index]))
                        : Files.createTempDirectory(prefix);
        try {
            body.run(dir);
        } finally {
            if (!given) {
                AtomicFiles.deleteRecursively(dir);
            }
        }
    }
}
