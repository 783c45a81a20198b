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
import org.junit.jupiter.api.Test;

/** The README's first code sample is the compiled program of {@link ResumableTrainEmnist}. */
class ReadmeSampleTest {

    private static String normalized(String code) {
        return code.replaceAll("\\s+", " ").strip();
    }

    @Test
    void theFirstSampleIsTheCompiledExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```java\n");
        assertTrue(start >= 0, "a java sample in the README");
        String sample = readme.substring(start + 8, readme.indexOf("```", start + 8));
        String source =
                Files.readString(
                        Path.of(
                                "src/main/java/org/mlodyssey/djl/examples/ResumableTrainEmnist.java"));
        String from = "// The README's first sample, from here:";
        String program =
                source.substring(
                        source.indexOf(from) + from.length(), source.indexOf("// to here."));
        assertEquals(normalized(program), normalized(sample));
        assertTrue(sample.contains("ResumableTraining.fit("), sample);
        assertTrue(sample.strip().split("\n").length <= 20, sample);
    }
}
