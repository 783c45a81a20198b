/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.listener.Monitor;

/** The options builder: the defaults of {@code odyssey train}, errors naming the flag. */
class TrainingOptionsTest {

    private static TrainingOptions.Builder emnist() {
        return TrainingOptions.builder()
                .setDataset(DatasetKind.EMNIST)
                .setCheckpointDirectory(Path.of("runs"));
    }

    @Test
    void theDefaultsAreThoseOfTheCommandLine() {
        TrainingOptions o = emnist().build();
        assertEquals("balanced", o.split());
        assertEquals(ModelKind.MLP, o.model());
        assertEquals(2, o.epochs());
        assertEquals(64, o.batchSize());
        assertEquals(OptimizerKind.ADAM, o.optimizer());
        assertEquals(0.001f, o.learningRate());
        assertEquals(42, o.seed());
        assertEquals(Long.MAX_VALUE, o.maxSteps());
        assertEquals(1, o.everyEpochs());
        assertEquals("auto", o.resume());
        assertTrue(o.saveAtEnd());
        assertTrue(o.checkRecordCounts());
        assertNull(o.monitor());
        assertEquals(0.05f, emnist().optOptimizer(OptimizerKind.SGD).build().learningRate(), "sgd");
    }

    @Test
    void toBuilderChangesOneRunAndLeavesTheOriginal() {
        TrainingOptions base = emnist().optSplit("DIGITS").optLearningRate(0.01f).build();
        TrainingOptions other =
                base.toBuilder().setCheckpointDirectory(Path.of("b")).optResume("never").build();
        assertEquals("digits", other.split());
        assertEquals(0.01f, other.learningRate());
        assertEquals(Path.of("b"), other.checkpointDirectory());
        assertEquals("never", other.resume());
        assertEquals(Path.of("runs"), base.checkpointDirectory());
        assertEquals("auto", base.resume());
    }

    @Test
    void aMonitorIsParsedAnyCase() {
        Monitor m = emnist().optMonitor("Validate_Accuracy").optKeepBest(2).build().monitor();
        assertEquals(new Monitor("Accuracy", Monitor.Mode.MAX, true), m);
    }

    @Test
    void everyInvalidValueNamesItsFlag() {
        Object[][] cases = {
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optSplit("kanji"), "--split: "},
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optEpochs(0), "--epochs: "},
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optBatchSize(-1), "--batch-size: "},
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optMaxSteps(0), "--max-steps: "},
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optLearningRate(0), "--lr: "},
            {
                (UnaryOperator<TrainingOptions.Builder>)
                        b -> b.optLearningRate(Float.POSITIVE_INFINITY),
                "--lr: "
            },
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optEverySteps(-2), "--every-steps: "},
            {
                (UnaryOperator<TrainingOptions.Builder>) b -> b.optEveryEpochs(-1),
                "--every-epochs: "
            },
            {
                (UnaryOperator<TrainingOptions.Builder>) b -> b.optEverySeconds(Double.NaN),
                "--every-seconds: "
            },
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optKeepLast(-1), "--keep-last: "},
            {
                (UnaryOperator<TrainingOptions.Builder>) b -> b.optKeepBest(2),
                "--keep-best needs --monitor"
            },
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optMonitor("f1"), "--monitor: "},
            {(UnaryOperator<TrainingOptions.Builder>) b -> b.optResume(""), "--resume: "},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            UnaryOperator<TrainingOptions.Builder> change =
                    (UnaryOperator<TrainingOptions.Builder>) c[0];
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> change.apply(emnist()).build());
            assertTrue(e.getMessage().startsWith((String) c[1]), e.getMessage());
        }
    }

    @Test
    void theDatasetAndDirectoryAreRequired() {
        assertThrows(
                NullPointerException.class,
                () -> TrainingOptions.builder().setDataset(DatasetKind.EMNIST).build());
        assertThrows(
                NullPointerException.class,
                () -> TrainingOptions.builder().setCheckpointDirectory(Path.of("r")).build());
    }
}
