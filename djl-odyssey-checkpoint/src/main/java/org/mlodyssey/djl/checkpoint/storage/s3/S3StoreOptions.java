/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How an {@link S3CheckpointStore} reaches its bucket and moves bytes. Credentials and region come
 * from the AWS SDK's default chains (environment, {@code ~/.aws}, instance roles) unless set here;
 * the endpoint of an S3-compatible store comes from {@link Builder#optEndpoint} or the {@code
 * AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL} environment variables.
 */
public final class S3StoreOptions {

    /** The smallest part S3 accepts in a multipart upload, except the last. */
    public static final long MIN_PART_SIZE = 5L << 20;

    private final URI endpoint;
    private final String region;
    private final boolean pathStyle;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final long partSize;
    private final int parallelism;
    private final int maxAttempts;
    private final Duration attemptTimeout;
    private final UploadChecksum uploadChecksum;
    private final boolean unsignedPayload;

    private S3StoreOptions(Builder builder) {
        this.endpoint = builder.endpoint;
        this.region = builder.region;
        this.pathStyle = builder.pathStyle == null ? endpoint != null : builder.pathStyle;
        this.accessKeyId = builder.accessKeyId;
        this.secretAccessKey = builder.secretAccessKey;
        this.partSize = builder.partSize;
        this.parallelism = builder.parallelism;
        this.maxAttempts = builder.maxAttempts;
        this.attemptTimeout = builder.attemptTimeout;
        this.uploadChecksum = builder.uploadChecksum;
        this.unsignedPayload = builder.unsignedPayload;
    }

    /**
     * Returns the defaults, with the endpoint taken from the environment.
     *
     * @return the defaults
     */
    public static S3StoreOptions defaults() {
        return builder().build();
    }

    /**
     * Creates a builder with the defaults and the endpoint taken from the environment.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder().optEndpointFromEnvironment(System.getenv());
    }

    /**
     * Returns the endpoint override.
     *
     * @return the endpoint, or {@code null} for AWS S3
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Returns the region.
     *
     * @return the region, or {@code null} for the SDK's default region chain
     */
    public String region() {
        return region;
    }

    /**
     * Tells whether requests use path-style addressing ({@code http://host/bucket/key}).
     *
     * @return true for path style
     */
    public boolean pathStyle() {
        return pathStyle;
    }

    /**
     * Returns the static access key id.
     *
     * @return the key id, or {@code null} for the SDK's default credential chain
     */
    public String accessKeyId() {
        return accessKeyId;
    }

    /**
     * Returns the static secret access key.
     *
     * @return the secret, or {@code null} for the SDK's default credential chain
     */
    public String secretAccessKey() {
        return secretAccessKey;
    }

    /**
     * Returns the part size of multipart uploads and ranged reads; objects smaller than one part go
     * up in one request.
     *
     * @return the size in bytes
     */
    public long partSize() {
        return partSize;
    }

    /**
     * Returns the number of parts uploaded or ranges read at once per object; the memory an upload
     * holds is at most {@code (parallelism + 1) * partSize}.
     *
     * @return the parallelism
     */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Returns the number of attempts of each request, the first included, before it fails.
     *
     * @return the attempts
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Returns the time one attempt may take before it is abandoned and retried.
     *
     * @return the timeout
     */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /**
     * Returns the checksum sent with uploads.
     *
     * @return the checksum kind
     */
    public UploadChecksum uploadChecksum() {
        return uploadChecksum;
    }

    /**
     * Tells whether requests to an {@code http://} endpoint are signed with {@code
     * UNSIGNED-PAYLOAD}, as the SDK signs requests to {@code https://} endpoints, instead of with
     * the SHA-256 of their body.
     *
     * @return true when the body is left out of the signature over http
     */
    public boolean unsignedPayload() {
        return unsignedPayload;
    }

    /** Builds {@link S3StoreOptions}. */
    public static final class Builder {

        private URI endpoint;
        private String region;
        private Boolean pathStyle;
        private String accessKeyId;
        private String secretAccessKey;
        private long partSize = 16L << 20;
        private int parallelism = 4;
        private int maxAttempts = 5;
        private Duration attemptTimeout = Duration.ofSeconds(60);
        private UploadChecksum uploadChecksum = UploadChecksum.CRC32C;
        private boolean unsignedPayload;

        private Builder() {}

        /**
         * Takes the endpoint from {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, as
         * the AWS CLI does; leaves it unset when neither is set.
         *
         * @param environment the environment variables
         * @return this builder
         */
        public Builder optEndpointFromEnvironment(Map<String, String> environment) {
            String value = environment.get("AWS_ENDPOINT_URL_S3");
            if (value == null || value.isBlank()) {
                value = environment.get("AWS_ENDPOINT_URL");
            }
            if (value != null && !value.isBlank()) {
                this.endpoint = URI.create(value.trim());
            }
            return this;
        }

        /**
         * Sets the endpoint of an S3-compatible store ({@code http://127.0.0.1:9000} for a local
         * MinIO). Path-style addressing becomes the default.
         *
         * @param endpoint the endpoint, or {@code null} for AWS S3
         * @return this builder
         */
        public Builder optEndpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Sets the region; by default the SDK's region chain decides, and {@code us-east-1} is
         * taken when it finds none and an endpoint is set.
         *
         * @param region the region name
         * @return this builder
         */
        public Builder optRegion(String region) {
            this.region = region;
            return this;
        }

        /**
         * Sets path-style addressing; by default on when an endpoint is set, off for AWS S3.
         *
         * @param pathStyle true for {@code http://host/bucket/key}
         * @return this builder
         */
        public Builder optPathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /**
         * Sets static credentials instead of the SDK's default credential chain.
         *
         * @param accessKeyId the access key id
         * @param secretAccessKey the secret access key
         * @return this builder
         */
        public Builder optCredentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        /**
         * Sets the part size (default 16 MiB).
         *
         * @param partSize bytes per part, at least {@link #MIN_PART_SIZE}
         * @return this builder
         */
        public Builder optPartSize(long partSize) {
            if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "The part size must be between 5 MiB and 2 GiB, not " + partSize);
            }
            this.partSize = partSize;
            return this;
        }

        /**
         * Sets how many parts or ranges move at once per object (default 4).
         *
         * @param parallelism at least 1
         * @return this builder
         */
        public Builder optParallelism(int parallelism) {
            if (parallelism < 1) {
                throw new IllegalArgumentException("The parallelism must be >= 1");
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Sets the attempts per request (default 5): HTTP 500 and 503, connection resets and
         * timeouts are retried with exponential backoff until then.
         *
         * @param maxAttempts at least 1
         * @return this builder
         */
        public Builder optMaxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("The attempts must be >= 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Sets the time one attempt may take, and a stalled connection may stay silent (default 60
         * s).
         *
         * @param attemptTimeout a positive duration
         * @return this builder
         */
        public Builder optAttemptTimeout(Duration attemptTimeout) {
            if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
                throw new IllegalArgumentException("The attempt timeout must be positive");
            }
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        /**
         * Sets the checksum sent with uploads (default {@link UploadChecksum#CRC32C}).
         *
         * @param uploadChecksum the checksum kind
         * @return this builder
         */
        public Builder optUploadChecksum(UploadChecksum uploadChecksum) {
            this.uploadChecksum = uploadChecksum;
            return this;
        }

        /**
         * Sets whether requests to an {@code http://} endpoint leave their body out of the SigV4
         * signature ({@code UNSIGNED-PAYLOAD}), as the SDK does over {@code https://}; default
         * false. Over http the SDK otherwise hashes every body with SHA-256, a CPU-bound pass per
         * upload that the server repeats, which caps upload throughput on a few cores. Turn it on
         * for a trusted network (a store on the same host or cluster) with an {@linkplain
         * #optUploadChecksum upload checksum} other than {@code NONE}: the checksum header is
         * signed, so the store still rejects a body damaged in transit ({@code MD5} also resists
         * deliberate tampering, {@code CRC32C} only accidents).
         *
         * @param unsignedPayload true to leave the body out of the signature over http
         * @return this builder
         */
        public Builder optUnsignedPayload(boolean unsignedPayload) {
            this.unsignedPayload = unsignedPayload;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public S3StoreOptions build() {
            return new S3StoreOptions(this);
        }
    }
}
