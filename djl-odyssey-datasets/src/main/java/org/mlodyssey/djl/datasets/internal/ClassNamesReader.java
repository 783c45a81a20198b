/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;

/** Reads a CIFAR label-name file: one class name per line, blank lines ignored. */
public final class ClassNamesReader {

    private static final int MAX_BYTES = 1 << 16;

    private ClassNamesReader() {}

    /**
     * Reads the class names and checks their number.
     *
     * @param file the file ({@code batches.meta.txt}, {@code fine_label_names.txt}, ...)
     * @param expected the number of classes
     * @return the names, in label order
     * @throws DatasetFormatException with {@link Kind#BAD_CLASS_NAMES} if the file does not hold
     *     exactly {@code expected} names
     * @throws IOException if the file cannot be read
     */
    public static List<String> read(Path file, int expected) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : DataFileInput.readTextLines(file, MAX_BYTES)) {
            if (!line.isBlank()) {
                names.add(line.trim());
            }
        }
        if (names.size() != expected) {
            throw new DatasetFormatException(
                    Kind.BAD_CLASS_NAMES,
                    file,
                    "expected " + expected + " class names, found " + names.size());
        }
        return names;
    }
}
