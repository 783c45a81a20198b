/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.LocalCheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.s3.LoopbackS3Server;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;
import org.mlodyssey.djl.checkpoint.storage.s3.UploadChecksum;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Save and load of one checkpoint file, side by side in one run: a local directory, a plain
 * single-stream {@code PutObject}/{@code GetObject} of the same bytes to an S3-compatible server on
 * 127.0.0.1 (S3Proxy, in this JVM), and {@link S3CheckpointStore}'s parallel multipart upload and
 * ranged reads, with the SDK's payload signing and without it; unthrottled, and through a relay
 * that limits each connection's throughput as AWS S3 does. Two more tables save and load a
 * compressed and an uncompressed checkpoint through a link limited to {@value #FAST_LINK_MB_PER_S}
 * and to {@value #LINK_MB_PER_S} MB/s in front of the same server.
 */
public final class StorageBenchmark {

    /** The bandwidth of the slower limited link, in MB/s (10^6 bytes per second). */
    public static final int LINK_MB_PER_S = 10;

    /** The bandwidth of the faster limited link, in MB/s, measured first. */
    public static final int FAST_LINK_MB_PER_S = 50;

    /** The bucket the benchmark creates on the loopback server. */
    static final String BUCKET = "bench";

    static final String SIGNED = ", signed, CRC32C";
    static final String UNSIGNED = ", unsigned, MD5";
    static final String LOCAL = "local directory (fsync)";
    static final String SINGLE = "S3 single-stream PutObject/GetObject";

    /**
     * The single-stream row of unsigned payloads: the store with one part for the whole file and
     * one thread, so one PutObject and one GetObject.
     */
    static final String SINGLE_UNSIGNED = "S3 store: one PutObject/GetObject" + UNSIGNED;

    private StorageBenchmark() {}

    /**
     * What one run of the benchmark measures.
     *
     * @param mib the checkpoint's size in MiB for the first table
     * @param linkMib the checkpoint's size in MiB for the limited-link tables
     * @param repetitions timings per operation (the median is printed)
     * @param warmUps untimed saves and loads of each row of the unthrottled condition before its
     *     timings, so that every row is timed with the code compiled (the limited conditions follow
     *     it warm)
     * @param shards how many shards the sharded rows aim at (a tensor is never split)
     * @param perConnectionMbps the first table's second condition: each connection to the server
     *     limited to this many MB/s, as AWS S3 limits each connection; 0 for none
     */
    public record Settings(
            int mib, int linkMib, int repetitions, int warmUps, int shards, int perConnectionMbps) {

        /**
         * Checks the bounds the command line checks.
         *
         * @throws IllegalArgumentException naming the first value out of bounds
         */
        public Settings {
            atLeast("mib", mib, 1);
            atLeast("linkMib", linkMib, 1);
            atLeast("repetitions", repetitions, 1);
            atLeast("warmUps", warmUps, 0);
            atLeast("shards", shards, 1);
            atLeast("perConnectionMbps", perConnectionMbps, 0);
        }

        private static void atLeast(String name, int value, int least) {
            if (value < least) {
                throw new IllegalArgumentException(
                        name + " must be at least " + least + ", not " + value);
            }
        }
    }

    /**
     * Runs both tables.
     *
     * @param settings what to measure
     * @param dir where the files, the local store and the server's buckets go
     * @param out where the tables go
     * @throws IOException if a file, the server or a request fails
     */
    public static void runBenchmark(Settings settings, Path dir, PrintStream out)
            throws IOException {
        int mib = settings.mib();
        int repetitions = settings.repetitions();
        int perConnectionMbps = settings.perConnectionMbps();
        try (LoopbackS3Server server =
                LoopbackS3Server.startOnDisk(Files.createDirectories(dir.resolve("s3")), true)) {
            server.createBucket(BUCKET);
            URI endpoint = URI.create("http://127.0.0.1:" + server.port());
            TensorFile checkpoint = gaussianCheckpoint(mib);
            byte[] file = checkpointFile(checkpoint, dir.resolve("parameters.safetensors"));
            Map<String, StorageRowTimer.Row> open =
                    measure(endpoint, settings, true, file, checkpoint, dir);
            Map<String, StorageRowTimer.Row> limited = Map.of();
            if (perConnectionMbps > 0) {
                try (ThrottlingProxy perConnection =
                        new ThrottlingProxy(server.port(), perConnectionMbps * 1_000_000L, true)) {
                    limited =
                            measure(
                                    perConnection.endpoint(),
                                    settings,
                                    false,
                                    file,
                                    checkpoint,
                                    dir);
                }
            }
            StorageTable.print(open, limited, settings, file.length, out);
            for (int rate : new int[] {FAST_LINK_MB_PER_S, LINK_MB_PER_S}) {
                try (ThrottlingProxy link = new ThrottlingProxy(server.port(), rate * 1_000_000L)) {
                    LimitedLinkTable.print(
                            options(link.endpoint(), true),
                            gaussianCheckpoint(settings.linkMib()),
                            rate,
                            repetitions,
                            dir,
                            out);
                }
            }
        }
    }

    /** Store options of the parallel rows: the defaults, or unsigned payloads with MD5. */
    private static S3StoreOptions options(URI endpoint, boolean unsigned) {
        return optionsBuilder(endpoint, unsigned).build();
    }

    private static S3StoreOptions.Builder optionsBuilder(URI endpoint, boolean unsigned) {
        S3StoreOptions.Builder builder = LoopbackS3Server.options(endpoint);
        if (unsigned) {
            builder.optUnsignedPayload(true).optUploadChecksum(UploadChecksum.MD5);
        }
        return builder;
    }

    /**
     * Times every row against one endpoint: save and load medians in seconds, by row. The first
     * condition (unthrottled) also has the local directory's row, and warms each row up first.
     */
    private static Map<String, StorageRowTimer.Row> measure(
            URI endpoint,
            Settings settings,
            boolean first,
            byte[] file,
            TensorFile checkpoint,
            Path dir)
            throws IOException {
        int repetitions = settings.repetitions();
        int warmUps = first ? settings.warmUps() : 0;
        Map<String, StorageRowTimer.Row> rows = new LinkedHashMap<>();
        S3StoreOptions defaults = options(endpoint, false);
        try (LocalCheckpointStore disk = LocalCheckpointStore.of(dir.resolve("local"));
                S3Client client = plainClient(endpoint);
                S3CheckpointStore signed =
                        S3CheckpointStore.open("s3://" + BUCKET + "/signed", defaults);
                S3CheckpointStore unsigned =
                        S3CheckpointStore.open(
                                "s3://" + BUCKET + "/unsigned", options(endpoint, true))) {
            if (first) {
                rows.put(LOCAL, timeStore(disk, file, warmUps, repetitions));
            }
            rows.put(SINGLE, timeSingleStream(client, file, warmUps, repetitions));
            try (S3CheckpointStore oneStream =
                    S3CheckpointStore.open(
                            "s3://" + BUCKET + "/unsigned-single",
                            optionsBuilder(endpoint, true)
                                    .optPartSize(
                                            Math.max(S3StoreOptions.MIN_PART_SIZE, file.length))
                                    .optParallelism(1) // one GET for the load, too
                                    .build())) {
                rows.put(SINGLE_UNSIGNED, timeStore(oneStream, file, warmUps, repetitions));
            }
            String parallel =
                    String.format(
                            Locale.ROOT,
                            "S3 store: %d x %d MiB parts/ranges",
                            defaults.parallelism(),
                            defaults.partSize() >> 20);
            rows.put(parallel + SIGNED, timeStore(signed, file, warmUps, repetitions));
            rows.put(parallel + UNSIGNED, timeStore(unsigned, file, warmUps, repetitions));
        }
        for (boolean unsigned : new boolean[] {false, true}) {
            ShardedStoreSave.Result sharded =
                    ShardedStoreSave.time(
                            optionsBuilder(endpoint, unsigned),
                            "s3://" + BUCKET + (unsigned ? "/sharded-unsigned" : "/sharded-signed"),
                            checkpoint,
                            settings.shards(),
                            warmUps,
                            repetitions);
            rows.put(
                    ShardedStoreSave.title(sharded.shards()) + (unsigned ? UNSIGNED : SIGNED),
                    sharded.row());
        }
        return rows;
    }

    /**
     * A plain SDK client for an S3-compatible endpoint (path style), sending its bodies as the
     * store's client does: signed with the payload's SHA-256 in the header, not aws-chunked (which
     * S3Proxy decodes one byte at a time), so that the rows compare one stream with several.
     */
    private static S3Client plainClient(URI endpoint) {
        S3StoreOptions options = LoopbackS3Server.options(endpoint).build();
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(options.region()))
                .forcePathStyle(true)
                .serviceConfiguration(
                        software.amazon.awssdk.services.s3.S3Configuration.builder()
                                .chunkedEncodingEnabled(false)
                                .build())
                .credentialsProvider(
                        () ->
                                AwsBasicCredentials.create(
                                        options.accessKeyId(), options.secretAccessKey()))
                .httpClientBuilder(
                        software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(
                        software.amazon.awssdk.core.checksums.RequestChecksumCalculation
                                .WHEN_REQUIRED)
                .build();
    }

    /** Float32 tensors of 32 MiB (the last one shorter), values from N(0, 0.02), seeded. */
    static TensorFile gaussianCheckpoint(int mib) {
        TensorFile checkpoint = new TensorFile();
        Random random = new Random(1);
        long left = (long) mib << 20;
        for (int t = 0; left > 0; t++) {
            int bytes = (int) Math.min(32 << 20, left);
            ByteBuffer data = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            while (data.hasRemaining()) {
                data.putFloat((float) (random.nextGaussian() * 0.02));
            }
            data.flip();
            checkpoint.put(
                    "layer" + t + ".weight",
                    Tensor.of(TensorDType.F32, new long[] {bytes / 4}, data));
            left -= bytes;
        }
        return checkpoint;
    }

    /** Writes a checkpoint uncompressed and returns the file's bytes. */
    private static byte[] checkpointFile(TensorFile checkpoint, Path path) throws IOException {
        checkpoint.save(path, WriteOptions.builder().optDurable(false).build());
        byte[] bytes = Files.readAllBytes(path);
        Files.delete(path);
        return bytes;
    }

    private static StorageRowTimer.Row timeStore(
            CheckpointStore store, byte[] bytes, int warmUps, int repetitions) throws IOException {
        StorageRowTimer timer = new StorageRowTimer(repetitions);
        for (int i = -warmUps; i < repetitions; i++) {
            timer.startSave();
            store.write("parameters.safetensors", ch -> ch.write(ByteBuffer.wrap(bytes)));
            timer.endSave(i);
            ByteBuffer back = ByteBuffer.allocate(bytes.length);
            timer.startLoad();
            try (ObjectReader reader = store.open("parameters.safetensors")) {
                reader.readFully(back, 0);
            }
            timer.endLoad(i);
            check(bytes, back.array());
        }
        return timer.row();
    }

    private static StorageRowTimer.Row timeSingleStream(
            S3Client client, byte[] bytes, int warmUps, int repetitions) {
        StorageRowTimer timer = new StorageRowTimer(repetitions);
        for (int i = -warmUps; i < repetitions; i++) {
            timer.startSave();
            client.putObject(b -> b.bucket(BUCKET).key("single"), RequestBody.fromBytes(bytes));
            timer.endSave(i);
            timer.startLoad();
            byte[] back =
                    client.getObject(
                                    b -> b.bucket(BUCKET).key("single"),
                                    ResponseTransformer.toBytes())
                            .asByteArrayUnsafe();
            timer.endLoad(i);
            check(bytes, back);
        }
        return timer.row();
    }

    private static void check(byte[] expected, byte[] actual) {
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("The bytes read back differ");
        }
    }
}
