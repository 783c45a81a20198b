/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each trigger rule of {@link CheckpointTrigger}, on a fake clock. */
class CheckpointTriggerTest {

    private static final EnumSet<SaveReason> NONE = EnumSet.noneOf(SaveReason.class);

    private final AtomicLong clock = new AtomicLong(1_000);

    private CheckpointTrigger trigger(int epochs, long steps, long nanos, Monitor monitor) {
        return new CheckpointTrigger(epochs, steps, nanos, false, monitor, clock::get);
    }

    @Test
    void everyNStepsFiresOnMultiplesOnly() {
        CheckpointTrigger t = trigger(0, 5, 0, null);
        List<Long> due = new ArrayList<>();
        for (long step = 1; step <= 21; step++) {
            if (t.afterStep(step).contains(SaveReason.STEPS)) {
                due.add(step);
                t.saved(step);
            }
        }
        assertEquals(List.of(5L, 10L, 15L, 20L), due);
    }

    @Test
    void aStepSaveMayBeDueExactlyWhenAfterStepWouldFindIt() {
        CheckpointTrigger t = trigger(0, 5, 0, null);
        for (long step = 1; step <= 21; step++) {
            boolean may = t.mayBeDueAfterStep(step);
            boolean due = t.afterStep(step).contains(SaveReason.STEPS);
            assertEquals(due, may, "step " + step);
            if (due) {
                t.saved(step);
            }
        }
        CheckpointTrigger epochsOnly = trigger(1, 0, 0, null);
        assertFalse(epochsOnly.mayBeDueAfterStep(1));
        CheckpointTrigger timed = trigger(0, 0, 1_000_000, null);
        assertTrue(timed.mayBeDueAfterStep(1), "time passes before the step is decided");
    }

    @Test
    void stepsCheckedAtEpochEndsFireWhenAMultipleWasCrossed() {
        // EasyTrain.fit: 7 steps per epoch, saves every 5 steps can only happen at epoch ends.
        CheckpointTrigger t = trigger(0, 5, 0, null);
        List<Long> due = new ArrayList<>();
        for (int epoch = 1; epoch <= 4; epoch++) {
            long step = epoch * 7L;
            if (t.afterEpoch(epoch, step, Map.of()).contains(SaveReason.STEPS)) {
                due.add(step);
                t.saved(step);
            }
        }
        // 7 crosses 5, 14 crosses 10, 21 crosses 15 and 20, 28 crosses 25.
        assertEquals(List.of(7L, 14L, 21L, 28L), due);
        CheckpointTrigger sparse = trigger(0, 20, 0, null);
        assertEquals(NONE, sparse.afterEpoch(1, 7, Map.of()));
        assertEquals(NONE, sparse.afterEpoch(2, 14, Map.of()));
        assertEquals(EnumSet.of(SaveReason.STEPS), sparse.afterEpoch(3, 21, Map.of()));
    }

    @Test
    void stepCountingRestartsFromTheResumedStep() {
        CheckpointTrigger t = trigger(0, 5, 0, null);
        t.start(12, null);
        assertEquals(NONE, t.afterStep(13));
        assertEquals(NONE, t.afterStep(14));
        assertEquals(EnumSet.of(SaveReason.STEPS), t.afterStep(15));
    }

    @Test
    void everyTSecondsFiresWhenThatMuchTimeHasPassedSinceTheLastSave() {
        CheckpointTrigger t = trigger(0, 0, 1_000_000_000L, null);
        clock.addAndGet(999_999_999L);
        assertEquals(NONE, t.afterStep(1));
        clock.addAndGet(1);
        assertEquals(EnumSet.of(SaveReason.SECONDS), t.afterStep(2));
        t.saved(2);
        assertEquals(NONE, t.afterStep(3), "the period restarts at a save");
        clock.addAndGet(1_500_000_000L);
        assertEquals(EnumSet.of(SaveReason.SECONDS), t.afterEpoch(1, 4, Map.of()));
    }

    @Test
    void everyNEpochsFiresOnMultiplesOfEpochsDone() {
        CheckpointTrigger t = trigger(2, 0, 0, null);
        assertEquals(NONE, t.afterEpoch(1, 7, Map.of()));
        assertEquals(EnumSet.of(SaveReason.EPOCHS), t.afterEpoch(2, 14, Map.of()));
        assertEquals(NONE, t.afterEpoch(3, 21, Map.of()));
        assertEquals(EnumSet.of(SaveReason.EPOCHS), t.afterEpoch(4, 28, Map.of()));
        assertEquals(NONE, t.afterStep(29), "epochs are not checked after steps");
    }

    @Test
    void bestFiresOnStrictImprovementOfAMinimizedValidationMetric() {
        CheckpointTrigger t = trigger(0, 0, 0, new Monitor("loss", Monitor.Mode.MIN, true));
        float[] losses = {3f, 2f, 2f, 2.5f, 1f, Float.NaN, 0.5f};
        List<Integer> due = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            Map<String, Float> evals = Map.of("validate_loss", losses[i], "train_loss", -1f);
            if (t.afterEpoch(i + 1, i, evals).contains(SaveReason.BEST)) {
                due.add(i + 1);
            }
        }
        assertEquals(List.of(1, 2, 5, 7), due);
        assertEquals(0.5f, t.best());
    }

    @Test
    void aBestWhoseSaveFailedDoesNotCountSoAnEquallyGoodEpochIsSavedAgain() {
        CheckpointTrigger t = trigger(0, 0, 0, new Monitor("loss", Monitor.Mode.MIN, true));
        assertEquals(EnumSet.of(SaveReason.BEST), t.afterEpoch(1, 7, Map.of("validate_loss", 2f)));
        t.committed(2f);
        assertEquals(EnumSet.of(SaveReason.BEST), t.afterEpoch(2, 14, Map.of("validate_loss", 1f)));
        // In flight: an epoch no better than it is not a new best; whether it would be depends on
        // the write in flight.
        assertTrue(t.dependsOnWritesInFlight(Map.of("validate_loss", 1.5f)));
        assertFalse(t.dependsOnWritesInFlight(Map.of("validate_loss", 0.5f)));
        assertFalse(t.dependsOnWritesInFlight(Map.of("validate_loss", 2f)));
        assertEquals(NONE, t.afterEpoch(3, 21, Map.of("validate_loss", 1.5f)));
        t.failed(1f);
        assertEquals(2f, t.best());
        assertEquals(EnumSet.of(SaveReason.BEST), t.afterEpoch(4, 28, Map.of("validate_loss", 1f)));
    }

    @Test
    void bestOfAMaximizedTrainingMetricStartsFromTheBestOfEarlierCheckpoints() {
        CheckpointTrigger t = trigger(0, 0, 0, new Monitor("Accuracy", Monitor.Mode.MAX, false));
        t.start(14, 0.8f);
        assertEquals(NONE, t.afterEpoch(3, 21, Map.of("train_Accuracy", 0.7f)));
        assertEquals(NONE, t.afterEpoch(4, 28, Map.of("train_Accuracy", 0.8f)));
        assertEquals(
                EnumSet.of(SaveReason.BEST), t.afterEpoch(5, 35, Map.of("train_Accuracy", 0.9f)));
    }

    @Test
    void aMissingMonitoredMetricIsAnErrorNamingIt() {
        CheckpointTrigger t = trigger(0, 0, 0, new Monitor("loss", Monitor.Mode.MIN, true));
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> t.afterEpoch(1, 7, Map.of("train_loss", 1f)));
        assertTrue(e.getMessage().contains("'validate_loss'"), e.getMessage());
        assertTrue(e.getMessage().contains("[train_loss]"), e.getMessage());
    }

    @Test
    void atEndFiresOnlyWhenOnAndRulesCombine() {
        assertEquals(NONE, trigger(0, 0, 0, null).atEnd());
        CheckpointTrigger on = new CheckpointTrigger(1, 7, 0, true, null, clock::get);
        assertEquals(EnumSet.of(SaveReason.END), on.atEnd());
        assertEquals(
                EnumSet.of(SaveReason.EPOCHS, SaveReason.STEPS), on.afterEpoch(1, 7, Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new CheckpointTrigger(-1, 0, 0, true, null, clock::get));
    }
}
