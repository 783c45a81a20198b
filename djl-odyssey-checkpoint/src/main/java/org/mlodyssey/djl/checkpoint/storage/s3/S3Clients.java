/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the SDK client an {@link S3CheckpointStore} talks through. */
final class S3Clients {

    /** The first retry waits about this long; each next one twice as long, up to the cap. */
    static final Duration BASE_BACKOFF = Duration.ofMillis(100);

    /** The longest wait between two attempts. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private S3Clients() {}

    /**
     * Builds a client: the JDK's HTTP client, the options' endpoint, region, addressing and
     * credentials, standard retries (5xx, throttling, connection errors, timeouts) with exponential
     * backoff and the options' attempt budget, checksums only where the API requires them (the
     * store sets its own upload checksum on each request), and no {@code Expect: 100-continue} on
     * an upload without content (see {@link NoExpectContinueWithoutContent}).
     *
     * @param options the options
     * @return a new client, to be closed
     */
    static S3Client build(S3StoreOptions options) {
        S3ClientBuilder builder =
                S3Client.builder()
                        .httpClient(
                                UrlConnectionHttpClient.builder()
                                        .connectionTimeout(Duration.ofSeconds(10))
                                        .socketTimeout(options.attemptTimeout())
                                        .build())
                        .overrideConfiguration(
                                ClientOverrideConfiguration.builder()
                                        .retryStrategy(
                                                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                                        .maxAttempts(options.maxAttempts())
                                                        .backoffStrategy(
                                                                BackoffStrategy.exponentialDelay(
                                                                        BASE_BACKOFF, MAX_BACKOFF))
                                                        .build())
                                        .apiCallAttemptTimeout(options.attemptTimeout())
                                        .addExecutionInterceptor(
                                                new NoExpectContinueWithoutContent())
                                        .build())
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        // a signed body is hashed whole into its header rather than sent as
                        // aws-chunked, which S3Proxy decodes one byte at a time
                        .serviceConfiguration(
                                S3Configuration.builder().chunkedEncodingEnabled(false).build())
                        .forcePathStyle(options.pathStyle())
                        .credentialsProvider(credentials(options))
                        .region(region(options));
        if (options.endpoint() != null) {
            builder.endpointOverride(options.endpoint());
        }
        if (options.unsignedPayload()) {
            builder.putAuthScheme(UnsignedPayloadSigner.scheme());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(S3StoreOptions options) {
        if (options.accessKeyId() != null) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(options.accessKeyId(), options.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static Region region(S3StoreOptions options) {
        if (options.region() != null) {
            return Region.of(options.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (options.endpoint() != null) {
                return Region.US_EAST_1; // S3-compatible stores mostly ignore it
            }
            throw new IllegalStateException(
                    "No AWS region configured: set AWS_REGION or the region in ~/.aws/config", e);
        }
    }

    /**
     * Takes the {@code Expect: 100-continue} off a request without content, which the SDK (2.31)
     * puts on every {@code PutObject} and {@code UploadPart}, an empty one too, although a client
     * must not expect a 100 for a request without content (RFC 9110, section 10.1.1).
     *
     * <p>With it, the JDK's {@code HttpURLConnection} stalls on a server that answers such a
     * request with {@code 100 Continue} and its final answer together, as S3Proxy's Jetty does when
     * nothing is left to wait for: the connection reads both into a buffer while waiting for the
     * 100, then reads the final answer through a new buffer over the socket, so the final answer is
     * lost and the write waits until the server closes the idle connection (Jetty: 30 s), after
     * which the JDK sends the request again.
     */
    static final class NoExpectContinueWithoutContent implements ExecutionInterceptor {

        @Override
        public SdkHttpRequest modifyHttpRequest(
                Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            SdkHttpRequest request = context.httpRequest();
            boolean empty =
                    context.requestBody()
                            .flatMap(RequestBody::optionalContentLength)
                            .map(length -> length == 0)
                            .orElse(false);
            if (empty && request.firstMatchingHeader("Expect").isPresent()) {
                return request.toBuilder().removeHeader("Expect").build();
            }
            return request;
        }
    }
}
