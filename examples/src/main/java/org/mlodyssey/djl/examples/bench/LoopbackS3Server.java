/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.mlodyssey.djl.checkpoint.storage.s3.S3StoreOptions;

/**
 * An S3-compatible server for benchmarks: S3Proxy in this JVM on 127.0.0.1, keeping its buckets as
 * files under a directory, with AWS SigV4 authentication and unknown headers (such as {@code
 * x-amz-checksum-crc32c}, which it does not verify) ignored.
 */
final class LoopbackS3Server implements AutoCloseable {

    private static final String ACCESS_KEY = "odyssey-bench";
    private static final String SECRET_KEY = "odyssey-bench-secret";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    private LoopbackS3Server(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
    }

    /**
     * Starts a server and creates a bucket.
     *
     * @param baseDir where the buckets' files go
     * @param bucket the bucket to create
     * @return the running server
     * @throws IOException if it does not start
     */
    static LoopbackS3Server start(Path baseDir, String bucket) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem-nio2")
                        .credentials("identity", "credential")
                        .overrides(properties)
                        .build(BlobStoreContext.class);
        S3Proxy proxy =
                S3Proxy.builder()
                        .blobStore(context.getBlobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .ignoreUnknownHeaders(true)
                        // a signed single-stream PutObject of the whole file, as S3 takes up to
                        // 5 GiB (S3Proxy's default refuses one over 128 MiB)
                        .v4MaxNonChunkedRequestSize(5L << 30)
                        .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(1);
            }
        } catch (Exception e) {
            context.close();
            throw new IOException("S3Proxy did not start on 127.0.0.1", e);
        }
        context.getBlobStore().createContainerInLocation(null, bucket);
        return new LoopbackS3Server(context, proxy);
    }

    /**
     * Returns the server's port on 127.0.0.1.
     *
     * @return the port
     */
    int port() {
        return proxy.getPort();
    }

    /**
     * Returns store options that reach this server, or a proxy in front of it.
     *
     * @param endpoint the server's endpoint or a proxy's
     * @return a builder to refine
     */
    static S3StoreOptions.Builder options(URI endpoint) {
        return S3StoreOptions.builder()
                .optEndpoint(endpoint)
                .optRegion("us-east-1")
                .optCredentials(ACCESS_KEY, SECRET_KEY);
    }

    /** Stops the server. */
    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IOException("S3Proxy did not stop", e);
        } finally {
            context.close();
        }
    }
}
