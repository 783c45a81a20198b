/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 with {@code UNSIGNED-PAYLOAD} over plain {@code http://} endpoints, as the SDK signs over
 * {@code https://}. Over http the SDK's signer always hashes the whole body with SHA-256 for the
 * signature, one CPU-bound pass per upload (and S3-compatible servers hash it again to check it).
 * This signer signs an http request as if it were sent over https, which leaves the signature
 * (method, host with its port, path, query and headers, the upload checksum header included)
 * unchanged but for the payload hash, then sends it over http. Requests to https endpoints, and
 * http requests on the default port 80 (whose {@code Host} header would differ), are signed by the
 * SDK's signer unchanged.
 */
final class UnsignedPayloadSigner implements HttpSigner<AwsCredentialsIdentity> {

    private final AwsV4HttpSigner delegate = AwsV4HttpSigner.create();

    /**
     * Returns the SigV4 auth scheme with this signer, for {@code S3ClientBuilder.putAuthScheme}.
     *
     * @return the scheme
     */
    static AuthScheme<AwsCredentialsIdentity> scheme() {
        UnsignedPayloadSigner signer = new UnsignedPayloadSigner();
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(
                    IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    /** Tells whether a request goes over http on a port that https would name the same way. */
    static boolean signsAsHttps(SdkHttpRequest request) {
        return "http".equals(request.protocol()) && request.port() != 80 && request.port() != 443;
    }

    /** {@inheritDoc} */
    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        if (!signsAsHttps(http)) {
            return delegate.sign(request);
        }
        SignedRequest signed =
                delegate.sign(
                        request.copy(b -> b.request(http.toBuilder().protocol("https").build())));
        SdkHttpRequest back = signed.request().toBuilder().protocol("http").build();
        return signed.copy(b -> b.request(back));
    }

    /** {@inheritDoc} */
    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(
            AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return delegate.signAsync(request);
    }
}
