/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;

/** Compares the ends of two {@code odyssey train} runs, for the tests. */
final class FinalStates {

    private FinalStates() {}

    /**
     * Asserts that two runs report the same figures and that their final checkpoints hold
     * bit-identical parameters and optimizer state.
     *
     * @param whole the JSON line of the uninterrupted run
     * @param resumed the JSON line of the resumed run
     * @throws IOException if a checkpoint cannot be read
     */
    static void assertSame(JsonObject whole, JsonObject resumed) throws IOException {
        for (String key : List.of("epochs", "steps", "train_loss", "test_accuracy")) {
            assertEquals(whole.get(key), resumed.get(key), key + ": " + whole + " vs " + resumed);
        }
        for (String file :
                List.of(TrainingCheckpoint.PARAMETERS_FILE, TrainingCheckpoint.OPTIMIZER_FILE)) {
            ResumeDemo.Comparison c =
                    ResumeDemo.compareTensors(
                            Path.of(whole.get("checkpoint").getAsString()).resolve(file),
                            Path.of(resumed.get("checkpoint").getAsString()).resolve(file));
            assertTrue(c.compared() >= 6, file + ": " + c);
            assertEquals(List.of(), c.differing(), file + " differs after the resume");
        }
    }
}
