/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.nio.file.Path;

/**
 * How a location is told to people, and carried where an API takes a {@link Path}. A local file is
 * its path. An object of a bucket, {@code s3://bucket/key}, cannot be a {@link Path} as such (a
 * path folds the double slash): it is carried as the path {@code /s3:/bucket/key} and told as
 * {@code s3://bucket/key} again by {@link #of(Path)}, in every message, record and command-line
 * line of this library.
 */
public final class Locations {

    private static final String SCHEME = "s3://";
    private static final String FOLDED = "s3:/";

    private Locations() {}

    /**
     * Carries a location as a path: {@code s3://bucket/key} becomes {@code /s3:/bucket/key}, a
     * local path stays as it is.
     *
     * @param location a local path or an {@code s3://} URI
     * @return the path
     */
    public static Path asPath(String location) {
        if (location.startsWith(SCHEME)) {
            return Path.of("/" + FOLDED + location.substring(SCHEME.length()));
        }
        return Path.of(location);
    }

    /**
     * Tells the location a path carries: {@code /s3:/bucket/key} (or {@code s3:/bucket/key}, as
     * {@code Path.of("s3://bucket/key")} folds it) is {@code s3://bucket/key}; any other path is
     * its string.
     *
     * @param path a path, or {@code null}
     * @return the location, or {@code null} for {@code null}
     */
    public static String of(Path path) {
        if (path == null) {
            return null;
        }
        String text = path.toString().replace('\\', '/');
        String rest = text.startsWith("/") ? text.substring(1) : text;
        if (rest.startsWith(FOLDED) && !rest.startsWith(SCHEME)) {
            return SCHEME + rest.substring(FOLDED.length());
        }
        return path.toString();
    }

    /**
     * Tells whether a path carries an object of a bucket.
     *
     * @param path a path
     * @return true for {@code /s3:/…} and {@code s3:/…}
     */
    public static boolean isRemote(Path path) {
        return of(path).startsWith(SCHEME);
    }
}
