/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 requests of one bucket, each with the options' upload checksum: the one place that builds
 * requests, so the stores, channels and readers share one way of talking to the bucket.
 */
final class S3Requests {

    private final S3Client client;
    private final String bucket;
    private final S3StoreOptions options;

    S3Requests(S3Client client, String bucket, S3StoreOptions options) {
        this.client = client;
        this.bucket = bucket;
        this.options = options;
    }

    S3Client client() {
        return client;
    }

    String bucket() {
        return bucket;
    }

    S3StoreOptions options() {
        return options;
    }

    String locationOf(String fullKey) {
        return S3Location.SCHEME + bucket + "/" + fullKey;
    }

    void putObject(String key, ByteBuffer body) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key);
        switch (options.uploadChecksum()) {
            case CRC32C -> put.checksumCRC32C(crc32c(body));
            case MD5 -> put.contentMD5(md5(body));
            case NONE -> {}
        }
        PutObjectRequest request = put.build();
        retryingBrokenAnswers(() -> client.putObject(request, bodyOf(body)));
    }

    String createMultipartUpload(CreateMultipartUploadRequest request) {
        return once(() -> client.createMultipartUpload(request)).uploadId();
    }

    CompletedPart uploadPart(String key, String uploadId, int number, ByteBuffer body) {
        UploadPartRequest.Builder part =
                UploadPartRequest.builder()
                        .bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(number);
        CompletedPart.Builder completed = CompletedPart.builder().partNumber(number);
        switch (options.uploadChecksum()) {
            case CRC32C -> {
                String crc = crc32c(body);
                part.checksumCRC32C(crc);
                completed.checksumCRC32C(crc);
            }
            case MD5 -> part.contentMD5(md5(body));
            case NONE -> {}
        }
        UploadPartRequest request = part.build();
        String etag = retryingBrokenAnswers(() -> client.uploadPart(request, bodyOf(body))).eTag();
        return completed.eTag(etag).build();
    }

    void completeMultipartUpload(String key, String uploadId, List<CompletedPart> parts) {
        once(
                () ->
                        client.completeMultipartUpload(
                                b ->
                                        b.bucket(bucket)
                                                .key(key)
                                                .uploadId(uploadId)
                                                .multipartUpload(u -> u.parts(parts))));
    }

    void abortMultipartUpload(String key, String uploadId) {
        once(() -> client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
    }

    /**
     * Starts a ranged GET.
     *
     * @param key the full key
     * @param first the first byte
     * @param last the last byte, inclusive
     * @return the body, to be closed
     */
    ResponseInputStream<GetObjectResponse> getRange(String key, long first, long last) {
        return once(
                () ->
                        client.getObject(
                                b ->
                                        b.bucket(bucket)
                                                .key(key)
                                                .range("bytes=" + first + "-" + last)));
    }

    /**
     * Sends a request whose answer may be lost without harm, again when the SDK fails it with an
     * {@link UncheckedIOException}: an attempt timeout that fires while the SDK reads an answer
     * without a length (a server's {@code 500} closing its connection, stalled) surfaces so,
     * outside the SDK's retries. Within the options' attempt budget, with the SDK's backoff; past
     * it, an {@link SdkClientException} that callers handle as any other failure.
     */
    private <T> T retryingBrokenAnswers(Supplier<T> request) {
        int attempts = 0;
        long delay = S3Clients.BASE_BACKOFF.toMillis();
        while (true) {
            try {
                return request.get();
            } catch (UncheckedIOException e) {
                if (++attempts >= options.maxAttempts()) {
                    throw brokenAnswer(e, attempts);
                }
            }
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SdkClientException.create("Interrupted between attempts", e);
            }
            delay = Math.min(delay * 2, S3Clients.MAX_BACKOFF.toMillis());
        }
    }

    /**
     * Sends a request once, turning an {@link UncheckedIOException} of the SDK (see {@link
     * #retryingBrokenAnswers}) into an {@link SdkClientException}: a request whose answer may not
     * be lost unseen (a new multipart upload, a completion) is not sent again here.
     */
    static <T> T once(Supplier<T> request) {
        try {
            return request.get();
        } catch (UncheckedIOException e) {
            throw brokenAnswer(e, 1);
        }
    }

    private static SdkClientException brokenAnswer(UncheckedIOException e, int attempts) {
        return SdkClientException.create(
                "The answer broke off ("
                        + attempts
                        + (attempts == 1 ? " attempt" : " attempts")
                        + "): "
                        + e.getCause(),
                e);
    }

    /**
     * Translates an SDK failure into an {@link IOException} naming the location: a missing key
     * becomes a {@link NoSuchFileException}.
     *
     * @param what what was being done, for the message
     * @param location the {@code s3://} location
     * @param e the SDK's exception
     * @return the exception to throw
     */
    static IOException failure(String what, String location, SdkException e) {
        if (e instanceof S3Exception s3 && s3.statusCode() == 404) {
            NoSuchFileException missing = new NoSuchFileException(location);
            missing.initCause(e);
            return missing;
        }
        String code = "";
        if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
            code = s3.awsErrorDetails().errorCode() + " ";
        }
        return new IOException(
                "S3 " + what + " of " + location + " failed: " + code + e.getMessage(), e);
    }

    private static RequestBody bodyOf(ByteBuffer body) {
        ByteBuffer view = body.duplicate();
        return RequestBody.fromContentProvider(
                () -> streamOf(view), view.remaining(), "application/octet-stream");
    }

    private static InputStream streamOf(ByteBuffer heap) {
        return new ByteArrayInputStream(
                heap.array(), heap.arrayOffset() + heap.position(), heap.remaining());
    }

    private static String crc32c(ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        return Base64.getEncoder()
                .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static String md5(ByteBuffer body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(body.duplicate());
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has MD5", e);
        }
    }
}
