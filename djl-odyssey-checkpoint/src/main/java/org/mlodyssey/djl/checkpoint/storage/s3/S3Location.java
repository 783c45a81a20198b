/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

/**
 * A bucket and a key prefix, parsed from {@code s3://bucket/prefix}.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix, empty or ending with {@code /}
 */
public record S3Location(String bucket, String prefix) {

    /** The scheme of S3 locations. */
    public static final String SCHEME = "s3://";

    /**
     * Tells whether a location names a bucket.
     *
     * @param location a path or URI
     * @return true when it starts with {@code s3://}
     */
    public static boolean isS3(String location) {
        return location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix}.
     *
     * @param location the URI
     * @return the bucket and the prefix, normalized to end with {@code /} unless empty
     * @throws IllegalArgumentException if the location is not an {@code s3://} URI with a bucket
     */
    public static S3Location parse(String location) {
        if (!isS3(location)) {
            throw new IllegalArgumentException("Not an s3:// location: '" + location + "'");
        }
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("No bucket in '" + location + "'");
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (prefix.contains("//")) {
            throw new IllegalArgumentException("Empty path segment in '" + location + "'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        return new S3Location(bucket, prefix);
    }

    /**
     * Returns the full key of a key relative to this prefix.
     *
     * @param key a relative key
     * @return the prefix followed by the key
     */
    public String keyOf(String key) {
        return prefix + key;
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + prefix;
    }
}
