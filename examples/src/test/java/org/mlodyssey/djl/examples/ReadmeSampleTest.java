/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's first code sample is the compiled program of {@link ResumableTrainEmnist}. */
class ReadmeSampleTest {

    @Test
    void theFirstSampleIsTheCompiledExample() throws IOException {
        String sample =
                DocSamples.assertFirstSampleIs(
                        Path.of("..", "README.md"),
                        Path.of(
                                "src/main/java/org/mlodyssey/djl/examples/ResumableTrainEmnist.java"),
                        "// The README's first sample, from here:");
        assertTrue(sample.contains("ResumableTraining.fit("), sample);
        assertTrue(sample.strip().split("\n").length <= 20, sample);
    }
}
