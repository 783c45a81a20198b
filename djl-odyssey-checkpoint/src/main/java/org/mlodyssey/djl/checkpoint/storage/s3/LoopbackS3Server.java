/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server in this JVM on 127.0.0.1, for tests and benchmarks of {@code s3://}
 * checkpoints without a bucket in the cloud: S3Proxy with AWS signature authentication (V2 or V4)
 * and fixed credentials, keeping its buckets in memory or as files under a directory.
 *
 * <p>Needs {@code org.gaul:s3proxy} on the class path, an optional dependency of this module that
 * an application declares itself (with the AWS SDK that {@code s3://} locations need); nothing else
 * in this module loads it.
 */
public final class LoopbackS3Server implements AutoCloseable {

    /** The access key the server accepts. */
    public static final String ACCESS_KEY = "odyssey-loopback";

    /** The secret key the server accepts. */
    public static final String SECRET_KEY = "odyssey-loopback-secret";

    /** The region clients name; the server accepts any. */
    public static final String REGION = "us-east-1";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    private LoopbackS3Server(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
    }

    /**
     * Starts a server keeping its buckets in memory (S3Proxy's {@code transient-nio2} backend).
     *
     * @param ignoreUnknownHeaders whether headers S3Proxy does not implement (such as {@code
     *     x-amz-checksum-crc32c}, which it then does not verify) are ignored rather than refused
     *     with 501
     * @return the running server
     * @throws IOException if it does not start
     */
    public static LoopbackS3Server startInMemory(boolean ignoreUnknownHeaders) throws IOException {
        return start("transient-nio2", new Properties(), ignoreUnknownHeaders);
    }

    /**
     * Starts a server keeping its buckets as files under a directory (S3Proxy's {@code
     * filesystem-nio2} backend).
     *
     * @param baseDir the directory for the buckets
     * @param ignoreUnknownHeaders as for {@link #startInMemory}
     * @return the running server
     * @throws IOException if it does not start
     */
    public static LoopbackS3Server startOnDisk(Path baseDir, boolean ignoreUnknownHeaders)
            throws IOException {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        return start("filesystem-nio2", properties, ignoreUnknownHeaders);
    }

    private static LoopbackS3Server start(
            String backend, Properties properties, boolean ignoreUnknownHeaders)
            throws IOException {
        BlobStoreContext context =
                ContextBuilder.newBuilder(backend)
                        .credentials("identity", "credential")
                        .overrides(properties)
                        .build(BlobStoreContext.class);
        S3Proxy proxy =
                S3Proxy.builder()
                        .blobStore(context.getBlobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .ignoreUnknownHeaders(ignoreUnknownHeaders)
                        // a signed single-stream PutObject of the whole file, as S3 takes up to
                        // 5 GiB (S3Proxy's default refuses one over 128 MiB)
                        .v4MaxNonChunkedRequestSize(5L << 30)
                        .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.close();
            throw new IOException("interrupted while S3Proxy started on 127.0.0.1", e);
        } catch (Exception e) {
            context.close();
            throw new IOException("S3Proxy did not start on 127.0.0.1", e);
        }
        return new LoopbackS3Server(context, proxy);
    }

    /**
     * Returns the server's endpoint.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /**
     * Returns the server's port on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return proxy.getPort();
    }

    /**
     * Creates a bucket.
     *
     * @param bucket the name
     */
    public void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    /**
     * Returns store options that reach a server, or a proxy in front of it, with its credentials.
     *
     * @param endpoint the server's endpoint or a proxy's
     * @return a builder to refine
     */
    public static S3StoreOptions.Builder options(URI endpoint) {
        return S3StoreOptions.builder()
                .optEndpoint(endpoint)
                .optRegion(REGION)
                .optCredentials(ACCESS_KEY, SECRET_KEY);
    }

    /**
     * Returns the environment a child process (such as the {@code odyssey} command line) needs to
     * reach a server: {@code AWS_ENDPOINT_URL}, the server's keys and a region.
     *
     * @param endpoint the server's endpoint, or a proxy's in front of it
     * @return the variables
     */
    public static Map<String, String> environment(URI endpoint) {
        return Map.of(
                "AWS_ENDPOINT_URL",
                endpoint.toString(),
                "AWS_ACCESS_KEY_ID",
                ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY",
                SECRET_KEY,
                "AWS_REGION",
                REGION);
    }

    /**
     * Stops the server; buckets kept in memory are gone.
     *
     * @throws IOException if it does not stop
     */
    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("S3Proxy did not stop", e);
        } finally {
            context.close();
        }
    }
}
