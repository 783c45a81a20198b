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
 * A real S3-compatible server for tests: S3Proxy, in-process, on 127.0.0.1, storing its objects in
 * a local directory, with AWS signature authentication on.
 */
public final class S3ProxyServer implements AutoCloseable {

    /** The access key the server accepts. */
    public static final String ACCESS_KEY = "odyssey-test";

    /** The secret key the server accepts. */
    public static final String SECRET_KEY = "odyssey-test-secret";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    private S3ProxyServer(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
    }

    /**
     * Starts a server keeping its buckets in memory (S3Proxy's {@code transient-nio2} backend).
     *
     * @param ignoreUnknownHeaders whether headers S3Proxy does not implement (such as {@code
     *     x-amz-checksum-crc32c}) are ignored rather than refused with 501
     * @return the running server
     * @throws Exception if it does not start
     */
    public static S3ProxyServer startInMemory(boolean ignoreUnknownHeaders) throws Exception {
        return start("transient-nio2", new Properties(), ignoreUnknownHeaders);
    }

    /**
     * Starts a server storing its buckets as files under a directory (S3Proxy's {@code
     * filesystem-nio2} backend).
     *
     * @param baseDir the directory for the buckets
     * @param ignoreUnknownHeaders as for {@link #startInMemory}
     * @return the running server
     * @throws Exception if it does not start
     */
    public static S3ProxyServer startOnDisk(Path baseDir, boolean ignoreUnknownHeaders)
            throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        return start("filesystem-nio2", properties, ignoreUnknownHeaders);
    }

    private static S3ProxyServer start(
            String backend, Properties properties, boolean ignoreUnknownHeaders) throws Exception {
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
                        .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(1);
        }
        return new S3ProxyServer(context, proxy);
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
     * The environment a child process (the command line) needs to reach a server: {@code
     * AWS_ENDPOINT_URL}, this server's keys and a region.
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
                "us-east-1");
    }

    /**
     * Returns store options that reach this server, or a proxy in front of it, with the test
     * credentials.
     *
     * @param endpoint the server's endpoint or a proxy's
     * @return a builder to refine
     */
    public static S3StoreOptions.Builder options(URI endpoint) {
        return S3StoreOptions.builder()
                .optEndpoint(endpoint)
                .optRegion("us-east-1")
                .optCredentials(ACCESS_KEY, SECRET_KEY);
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
     * Returns the server's port on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return proxy.getPort();
    }

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
