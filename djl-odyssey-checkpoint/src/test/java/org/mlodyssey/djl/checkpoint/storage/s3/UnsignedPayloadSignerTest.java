/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * {@code UNSIGNED-PAYLOAD} over http: the signer leaves the body out of the signature where the
 * SDK's own signer hashes it, and S3Proxy (which checks SigV4 signatures) accepts single and
 * multipart uploads signed that way.
 */
class UnsignedPayloadSignerTest extends S3ProxyTestBase {

    private static String contentHash(HttpSigner<AwsCredentialsIdentity> signer, URI uri) {
        SdkHttpRequest request =
                SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(uri).build();
        SignedRequest signed =
                signer.sign(
                        r ->
                                r.identity(AwsCredentialsIdentity.create("key", "secret"))
                                        .request(request)
                                        .payload(() -> new ByteArrayInputStream(new byte[1000]))
                                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                                        .putProperty(
                                                AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        assertEquals(uri.getScheme(), signed.request().protocol(), "sent as it was addressed");
        assertEquals(uri.getPort(), signed.request().port());
        return signed.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow();
    }

    @Test
    void leavesTheBodyOutOfTheSignatureOverHttp() {
        URI http = URI.create("http://127.0.0.1:9000/bucket/key");
        // the SDK's signer hashes the body over http even when payload signing is off ...
        assertTrue(
                contentHash(AwsV4HttpSigner.create(), http).matches("[0-9a-f]{64}"),
                "the SDK signs the payload over http");
        // ... this one signs it as the SDK does over https
        assertEquals("UNSIGNED-PAYLOAD", contentHash(new UnsignedPayloadSigner(), http));
        assertEquals(
                "UNSIGNED-PAYLOAD",
                contentHash(new UnsignedPayloadSigner(), URI.create("https://h:9443/b/k")));
        // on port 80 the Host header would differ between http and https: signed as the SDK does
        assertTrue(
                contentHash(new UnsignedPayloadSigner(), URI.create("http://h:80/b/k"))
                        .matches("[0-9a-f]{64}"));
    }

    @Test
    void theServerAcceptsUnsignedSingleAndMultipartUploads() throws IOException {
        for (UploadChecksum checksum : UploadChecksum.values()) {
            try (S3CheckpointStore store =
                    S3CheckpointStore.open(
                            "s3://" + bucket + "/" + checksum,
                            LoopbackS3Server.options(proxy.endpoint())
                                    .optPartSize(PART)
                                    .optParallelism(2)
                                    .optUploadChecksum(checksum)
                                    .optUnsignedPayload(true)
                                    .build())) {
                for (int size : new int[] {1000, 2 * PART + 17}) {
                    byte[] bytes = random(size, size);
                    store.write("o" + size, channel -> channel.write(ByteBuffer.wrap(bytes)));
                    assertArrayEquals(bytes, readAll(store, "o" + size), checksum + " " + size);
                }
            }
        }
    }
}
