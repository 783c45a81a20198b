/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

/**
 * The checksum sent with every upload, which the store checks against the bytes it received before
 * it stores them. Either way the checkpoint's own CRC32C checks run again on every load.
 */
public enum UploadChecksum {
    /**
     * The {@code x-amz-checksum-crc32c} header, verified by AWS S3 and by stores that implement the
     * S3 checksum API. A store that does not know the header may refuse the request (S3Proxy
     * answers 501 unless started with {@code s3proxy.ignore-unknown-headers=true}, and then does
     * not verify it).
     */
    CRC32C,
    /**
     * The {@code Content-MD5} header, verified by every S3-compatible store, S3Proxy included; it
     * costs one MD5 pass over the bytes.
     */
    MD5,
    /** No checksum header; only the checkpoint's own checks on load detect corruption. */
    NONE
}
