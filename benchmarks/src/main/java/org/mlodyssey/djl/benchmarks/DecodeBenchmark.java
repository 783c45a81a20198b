/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.datasets.cifar.CifarRecordReader;
import org.mlodyssey.djl.datasets.idx.IdxArray;
import org.mlodyssey.djl.datasets.idx.IdxReader;
import org.mlodyssey.djl.datasets.idx.IdxType;
import org.mlodyssey.djl.datasets.idx.IdxWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading the dataset files and checking a checkpoint file's bytes, from the page cache: a whole
 * IDX file of 10,000 28x28 images (plain and gzip), a CIFAR batch file of 1,000 records, and the
 * CRC32C of 4 MiB (the checksum a checkpoint manifest records for each file).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {

    private static final int IDX_IMAGES = 10_000;
    private static final int CIFAR_RECORDS = 1_000;

    private Path directory;
    private Path idx;
    private Path idxGz;
    private Path cifar;
    private byte[] crcBytes;

    /**
     * Writes the files.
     *
     * @throws IOException if they cannot be written
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("odyssey-jmh-decode");
        Random random = new Random(1);
        byte[] images = new byte[IDX_IMAGES * 28 * 28];
        random.nextBytes(images);
        idx = directory.resolve("images-idx3-ubyte");
        IdxWriter.writeFile(idx, false, IdxType.UNSIGNED_BYTE, images, IDX_IMAGES, 28, 28);
        idxGz = directory.resolve("images-idx3-ubyte.gz");
        IdxWriter.writeFile(idxGz, true, IdxType.UNSIGNED_BYTE, images, IDX_IMAGES, 28, 28);
        byte[] records = new byte[CIFAR_RECORDS * (1 + CifarRecordReader.PIXEL_BYTES)];
        random.nextBytes(records);
        for (int r = 0; r < CIFAR_RECORDS; r++) {
            records[r * (1 + CifarRecordReader.PIXEL_BYTES)] = (byte) random.nextInt(10);
        }
        cifar = Files.write(directory.resolve("data_batch_1.bin"), records);
        crcBytes = new byte[4 << 20];
        random.nextBytes(crcBytes);
    }

    /**
     * Deletes the files.
     *
     * @throws IOException if they cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        AtomicFiles.deleteRecursively(directory);
    }

    /**
     * Reads and validates a plain IDX file of 10,000 images.
     *
     * @return the array
     * @throws IOException if it cannot be read
     */
    @Benchmark
    public IdxArray idxPlain() throws IOException {
        return IdxReader.readAll(idx, IdxType.UNSIGNED_BYTE, 3);
    }

    /**
     * Reads and validates a gzip IDX file of 10,000 images.
     *
     * @return the array
     * @throws IOException if it cannot be read
     */
    @Benchmark
    public IdxArray idxGzip() throws IOException {
        return IdxReader.readAll(idxGz, IdxType.UNSIGNED_BYTE, 3);
    }

    /**
     * Reads a CIFAR-10 batch file of 1,000 records, checking every label.
     *
     * @return the last label read
     * @throws IOException if it cannot be read
     */
    @Benchmark
    public int cifarRecords() throws IOException {
        int[] labels = new int[1];
        byte[] pixels = new byte[CIFAR_RECORDS * CifarRecordReader.PIXEL_BYTES];
        try (CifarRecordReader reader = CifarRecordReader.open(cifar, 10)) {
            for (int r = 0; r < CIFAR_RECORDS; r++) {
                reader.next(labels, pixels, r * CifarRecordReader.PIXEL_BYTES);
            }
        }
        return labels[0];
    }

    /**
     * The CRC32C of 4 MiB.
     *
     * @return the checksum
     */
    @Benchmark
    public long crc32c() {
        CRC32C crc = new CRC32C();
        crc.update(crcBytes, 0, crcBytes.length);
        return crc.getValue();
    }
}
