/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlodyssey.djl.checkpoint.internal.WriteBehind;

/**
 * What the disk gives to N concurrent writers without the library's format: N threads, each writing
 * its share of the bytes into its own file with a plain {@link FileChannel} from one 8 MiB direct
 * buffer, the disk writing them behind as the library's durable writes do ({@link WriteBehind}: a
 * background fdatasync every 32 MiB), then fsyncing it. The clock runs from the moment all threads
 * start until the last fsync returned.
 */
final class RawParallelWrite {

    /**
     * One raw run.
     *
     * @param writers the number of threads
     * @param nanos the wall time
     * @param cpuNanos the CPU time this process used meanwhile
     * @param machineBusy the fraction of all cores busy meanwhile
     * @param ioWait the fraction of all cores waiting for I/O meanwhile
     */
    record Result(int writers, long nanos, long cpuNanos, double machineBusy, double ioWait) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    private RawParallelWrite() {}

    /**
     * Writes {@code bytes} in all, split over {@code writers} files in {@code dir}, and deletes the
     * files.
     *
     * @throws IOException if a write fails
     */
    static Result run(Path dir, long bytes, int writers) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CyclicBarrier start = new CyclicBarrier(writers + 1);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Path file = dir.resolve("raw-" + w + "-of-" + writers + ".bin");
                long share = bytes * (w + 1) / writers - bytes * w / writers;
                int seed = w;
                done.add(
                        pool.submit(
                                () -> {
                                    ByteBuffer block = block(seed);
                                    start.await();
                                    write(file, block, share);
                                    return null;
                                }));
            }
            start.await();
            long[] stat0 = MachineCpu.sample();
            long cpu0 = MachineCpu.processCpuNanos();
            long t0 = System.nanoTime();
            for (Future<Void> future : done) {
                future.get();
            }
            long nanos = System.nanoTime() - t0;
            long cpu = MachineCpu.processCpuNanos() - cpu0;
            long[] stat1 = MachineCpu.sample();
            return new Result(
                    writers,
                    nanos,
                    cpu,
                    MachineCpu.busy(stat0, stat1),
                    MachineCpu.ioWait(stat0, stat1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | java.util.concurrent.BrokenBarrierException e) {
            throw new IOException("a raw writer failed", e.getCause());
        } finally {
            pool.shutdownNow();
            for (int w = 0; w < writers; w++) {
                Files.deleteIfExists(dir.resolve("raw-" + w + "-of-" + writers + ".bin"));
            }
        }
    }

    private static ByteBuffer block(int seed) {
        ByteBuffer block = ByteBuffer.allocateDirect(8 << 20);
        for (int i = 0; i < block.capacity(); i++) {
            block.put(i, (byte) (i * 31 + (i >> 9) + seed));
        }
        return block;
    }

    private static void write(Path file, ByteBuffer block, long bytes) throws IOException {
        try (FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            WriteBehind behind = WriteBehind.start(channel, file);
            for (long done = 0; done < bytes; ) {
                block.clear().limit((int) Math.min(block.capacity(), bytes - done));
                done += channel.write(block);
            }
            behind.finish();
            channel.force(true);
        }
    }
}
