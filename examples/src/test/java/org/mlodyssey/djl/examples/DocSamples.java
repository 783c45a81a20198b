/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that a document's first Java sample is a marked region of a compiled example. */
final class DocSamples {

    private DocSamples() {}

    /**
     * Asserts that the first {@code ```java} block of a document equals, whitespace aside, the code
     * of a source file between a marker line and {@code // to here.}.
     *
     * @param document the Markdown file
     * @param source the Java file
     * @param from the marker that starts the region
     * @return the sample
     * @throws IOException if a file cannot be read
     */
    static String assertFirstSampleIs(Path document, Path source, String from) throws IOException {
        String doc = Files.readString(document);
        int start = doc.indexOf("```java\n");
        assertTrue(start >= 0, "a java sample in " + document);
        String sample = doc.substring(start + 8, doc.indexOf("```", start + 8));
        String code = Files.readString(source);
        String program =
                code.substring(code.indexOf(from) + from.length(), code.indexOf("// to here."));
        assertEquals(normalized(program), normalized(sample));
        return sample;
    }

    private static String normalized(String code) {
        return code.replaceAll("\\s+", " ").strip();
    }
}
