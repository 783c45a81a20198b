/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON lines of {@code odyssey train} and {@code odyssey demo}, field by field. */
class ResultLineTest {

    @Test
    void aTrainingResultIsOneLineInTheDocumentedOrder() {
        TrainClassifier.Result r =
                new TrainClassifier.Result(
                        "emnist",
                        "mlp",
                        2,
                        90,
                        0.5f,
                        0.8125f,
                        Path.of("/runs/a&b/step-90"),
                        null,
                        0,
                        1.23456);
        assertEquals(
                "{\"dataset\":\"emnist\",\"model\":\"mlp\",\"epochs\":2,\"steps\":90,"
                        + "\"train_loss\":0.5,\"test_accuracy\":0.8125,"
                        + "\"checkpoint\":\"/runs/a&b/step-90\",\"resumed_from\":null,"
                        + "\"resumed_at_step\":0,\"seconds\":1.235}",
                r.toJson());
    }

    @Test
    void aCheckpointInABucketIsWrittenAsItsS3Location() {
        TrainClassifier.Result r =
                new TrainClassifier.Result(
                        "emnist",
                        "mlp",
                        1,
                        8,
                        0.5f,
                        0.5f,
                        Path.of("/s3:/bucket/runs/step-8"),
                        Path.of("s3://bucket/runs/step-4"),
                        4,
                        1);
        String json = r.toJson();
        assertTrue(json.contains("\"checkpoint\":\"s3://bucket/runs/step-8\""), json);
        assertTrue(json.contains("\"resumed_from\":\"s3://bucket/runs/step-4\""), json);
    }

    @Test
    void floatsAreWrittenAsFloatsNotWidenedToDouble() {
        TrainClassifier.Result r =
                new TrainClassifier.Result(
                        "cifar10", "lenet", 1, 5, 0.1f, 0.3f, null, Path.of("p"), 3, 2);
        assertEquals(
                "{\"dataset\":\"cifar10\",\"model\":\"lenet\",\"epochs\":1,\"steps\":5,"
                        + "\"train_loss\":0.1,\"test_accuracy\":0.3,\"checkpoint\":null,"
                        + "\"resumed_from\":\"p\",\"resumed_at_step\":3,\"seconds\":2.0}",
                r.toJson());
    }

    @Test
    void aDemoResultRoundsSecondsToTenthsAndEndsWithTheDirectory() {
        ResumeDemo.Result r =
                new ResumeDemo.Result(
                        false, 12, List.of("w\"1"), 135, 70, 60, 0.75f, 0.5f, 12.34, Path.of("d"));
        assertEquals(
                "{\"matched\":false,\"tensors_compared\":12,\"differing\":[\"w\\\"1\"],"
                        + "\"steps\":135,\"crash_step\":70,\"resumed_at_step\":60,"
                        + "\"test_accuracy\":0.75,\"resumed_test_accuracy\":0.5,\"seconds\":12.3,"
                        + "\"directory\":\"d\"}",
                r.toJson());
    }
}
