/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;

/**
 * One S3Proxy per test class on 127.0.0.1, a fresh bucket and a fresh fault-injecting proxy in
 * front of the server for each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class S3ProxyTestBase {

    /** The smallest part size S3 allows, so that multipart paths run on small objects. */
    static final int PART = 5 << 20;

    LoopbackS3Server server;
    FaultInjectingProxy proxy;
    String bucket;
    private int bucketCount;

    /** Whether the server ignores headers it does not implement, rather than answering 501. */
    boolean ignoreUnknownHeaders() {
        return true;
    }

    @BeforeAll
    void startServer() throws Exception {
        server = LoopbackS3Server.startInMemory(ignoreUnknownHeaders());
    }

    @AfterAll
    void stopServer() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    @BeforeEach
    void freshBucketAndProxy() throws IOException {
        bucket = getClass().getSimpleName().toLowerCase(Locale.ROOT) + "-" + ++bucketCount;
        server.createBucket(bucket);
        if (proxy != null) {
            proxy.close();
        }
        proxy = FaultInjectingProxy.start(server.port());
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] readAll(CheckpointStore store, String key) throws IOException {
        try (ObjectReader reader = store.open(key)) {
            ByteBuffer all = ByteBuffer.allocate((int) reader.size());
            reader.readFully(all, 0);
            return all.array();
        }
    }
}
