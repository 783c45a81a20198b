/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

/**
 * A location split into a directory of checkpoints and, when it names one checkpoint, its name:
 * {@code s3://b/runs/step-…} is {@code s3://b/runs} and {@code step-…}; {@code s3://b/runs} is
 * itself and no name.
 *
 * @param root the directory of checkpoints
 * @param name the checkpoint's name, or {@code null}
 */
public record LocationParts(String root, String name) {

    /**
     * Splits a location.
     *
     * @param location a directory path, {@code s3://bucket/prefix} or either followed by a
     *     checkpoint's name
     * @return the directory and the name
     */
    public static LocationParts of(String location) {
        String trimmed =
                location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        int slash = trimmed.lastIndexOf('/');
        String last = trimmed.substring(slash + 1);
        if (slash > 0 && CheckpointDirectories.isCheckpointName(last)) {
            return new LocationParts(trimmed.substring(0, slash), last);
        }
        return new LocationParts(trimmed, null);
    }
}
