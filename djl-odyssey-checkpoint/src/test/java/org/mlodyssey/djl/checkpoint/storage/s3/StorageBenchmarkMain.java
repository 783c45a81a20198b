/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.mlodyssey.djl.checkpoint.format.AtomicFiles;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.LocalCheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Save and load of one parameter set (not a test), side by side in one run: a local directory, a
 * single-stream {@code PutObject}/{@code GetObject} of the same bytes to S3Proxy on 127.0.0.1, and
 * {@link S3CheckpointStore}'s parallel multipart upload and ranged reads. Prints the median of the
 * repetitions.
 *
 * <p>Run after {@code mvn -B -o -q test-compile -pl djl-odyssey-checkpoint} with the module's test
 * class path: {@code java -Xmx3g -cp <test class path>
 * org.mlodyssey.djl.checkpoint.storage.s3.StorageBenchmarkMain 256 3 MD5}: MiB, repetitions and the
 * upload checksum of the parallel path ({@code MD5}, {@code CRC32C}, {@code NONE}).
 */
public final class StorageBenchmarkMain {

    private StorageBenchmarkMain() {}

    /**
     * Runs the benchmark.
     *
     * @param args the size in MiB (default 256) and the repetitions (default 3)
     * @throws Exception if the server does not start or I/O fails
     */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        UploadChecksum checksum =
                args.length > 2 ? UploadChecksum.valueOf(args[2]) : UploadChecksum.MD5;
        Path dir = Files.createTempDirectory("storage-bench");
        try (S3ProxyServer server =
                S3ProxyServer.startOnDisk(Files.createDirectories(dir.resolve("s3")), true)) {
            server.createBucket("bench");
            run(server, dir.resolve("local"), mib, repetitions, checksum, System.out);
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }

    private static void run(
            S3ProxyServer server,
            Path local,
            int mib,
            int repetitions,
            UploadChecksum checksum,
            PrintStream out)
            throws IOException {
        byte[] bytes = new byte[mib << 20];
        new Random(1).nextBytes(bytes);
        S3StoreOptions options =
                S3ProxyServer.options(server.endpoint()).optUploadChecksum(checksum).build();
        Map<String, double[]> rows = new LinkedHashMap<>();
        try (LocalCheckpointStore disk = LocalCheckpointStore.of(local);
                S3CheckpointStore bucket = S3CheckpointStore.open("s3://bench/run", options);
                S3Client client = S3Clients.build(options)) {
            rows.put("local directory (fsync)", timeStore(disk, bytes, repetitions));
            rows.put(
                    "S3, single-stream PutObject/GetObject",
                    timeSingleStream(client, bytes, repetitions));
            rows.put(
                    "S3, "
                            + options.parallelism()
                            + " x "
                            + (options.partSize() >> 20)
                            + " MiB multipart / ranged GETs",
                    timeStore(bucket, bytes, repetitions));
        }
        out.printf(
                "Storage: save and load of %d MiB, median of %d, S3Proxy 2.6 (filesystem) on"
                        + " 127.0.0.1, upload checksum %s%n",
                mib, repetitions, checksum);
        out.printf("%-44s %10s %10s %10s %10s%n", "", "save ms", "MiB/s", "load ms", "MiB/s");
        for (Map.Entry<String, double[]> row : rows.entrySet()) {
            double save = row.getValue()[0];
            double load = row.getValue()[1];
            out.printf(
                    "%-44s %10.0f %10.0f %10.0f %10.0f%n",
                    row.getKey(), save, mib / save * 1000, load, mib / load * 1000);
        }
    }

    private static double[] timeStore(CheckpointStore store, byte[] bytes, int repetitions)
            throws IOException {
        double[] saves = new double[repetitions];
        double[] loads = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            store.write("parameters.safetensors", ch -> ch.write(ByteBuffer.wrap(bytes)));
            saves[i] = (System.nanoTime() - start) / 1e6;
            ByteBuffer back = ByteBuffer.allocate(bytes.length);
            start = System.nanoTime();
            try (ObjectReader reader = store.open("parameters.safetensors")) {
                reader.readFully(back, 0);
            }
            loads[i] = (System.nanoTime() - start) / 1e6;
            check(bytes, back.array());
        }
        return new double[] {median(saves), median(loads)};
    }

    private static double[] timeSingleStream(S3Client client, byte[] bytes, int repetitions) {
        double[] saves = new double[repetitions];
        double[] loads = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            client.putObject(b -> b.bucket("bench").key("single"), RequestBody.fromBytes(bytes));
            saves[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            byte[] back =
                    client.getObject(
                                    b -> b.bucket("bench").key("single"),
                                    ResponseTransformer.toBytes())
                            .asByteArrayUnsafe();
            loads[i] = (System.nanoTime() - start) / 1e6;
            check(bytes, back);
        }
        return new double[] {median(saves), median(loads)};
    }

    private static void check(byte[] expected, byte[] actual) {
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("The bytes read back differ");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
