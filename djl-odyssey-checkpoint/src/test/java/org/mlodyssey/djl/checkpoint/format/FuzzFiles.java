/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch files for the fuzz targets, which write each input to a file and read it back. */
public final class FuzzFiles {

    private static final Path DIR = create();

    private FuzzFiles() {}

    private static Path create() {
        try {
            Path dir = Files.createTempDirectory("odyssey-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns a path in this JVM's scratch directory.
     *
     * @param name the file name
     * @return the path; the file is deleted when the JVM exits
     */
    public static Path scratch(String name) {
        Path path = DIR.resolve(name);
        path.toFile().deleteOnExit();
        return path;
    }
}
