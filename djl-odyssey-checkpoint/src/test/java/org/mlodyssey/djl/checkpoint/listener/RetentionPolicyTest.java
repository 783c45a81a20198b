/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each retention rule of {@link RetentionPolicy}. */
class RetentionPolicyTest {

    private static final Path ROOT = Path.of("/checkpoints").toAbsolutePath();
    private static final Monitor LOSS = new Monitor("loss", Monitor.Mode.MIN, true);
    private static final Monitor ACCURACY = new Monitor("Accuracy", Monitor.Mode.MAX, true);

    /** Checkpoints with ordinals 1..metrics.length, at steps 10, 20, ...; shuffled. */
    private static List<RetentionPolicy.Entry> entries(Float... metrics) {
        List<RetentionPolicy.Entry> list = new ArrayList<>();
        for (int i = 0; i < metrics.length; i++) {
            list.add(
                    new RetentionPolicy.Entry(
                            ROOT.resolve(
                                    String.format(
                                            "step-%012d-epoch-000000-batch-000000000",
                                            10L * (i + 1))),
                            i + 1,
                            metrics[i]));
        }
        Collections.shuffle(list, new java.util.Random(3));
        return list;
    }

    private static List<Long> deletedOrdinals(
            RetentionPolicy policy, List<RetentionPolicy.Entry> entries, Set<Path> protect) {
        return policy.toDelete(entries, protect).stream()
                .map(RetentionPolicy.Entry::ordinal)
                .toList();
    }

    private static Path dir(List<RetentionPolicy.Entry> entries, long ordinal) {
        return entries.stream()
                .filter(e -> e.ordinal() == ordinal)
                .findFirst()
                .orElseThrow()
                .directory();
    }

    @Test
    void withoutRulesEverythingIsKept() {
        RetentionPolicy all = new RetentionPolicy(RetentionPolicy.KEEP_ALL, 0, 0, null);
        assertEquals(List.of(), deletedOrdinals(all, entries(1f, 2f, 3f, 4f), Set.of()));
    }

    @Test
    void keepLastKeepsTheNewestByPositionAndDeletesOldestFirst() {
        RetentionPolicy last2 = new RetentionPolicy(2, 0, 0, null);
        assertEquals(
                List.of(1L, 2L, 3L),
                deletedOrdinals(last2, entries(null, null, null, null, null), Set.of()));
        assertEquals(List.of(), deletedOrdinals(last2, entries(null, null), Set.of()));
    }

    @Test
    void newestIsByOrdinalNotByPositionAfterAResumeFromAnEarlierCheckpoint() {
        // Ordinals 1..5 at steps 3..15; a resumed run then saved ordinal 6 at step 14, a position
        // before the older step 15.
        List<RetentionPolicy.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            entries.add(new RetentionPolicy.Entry(at(3L * i), i, null));
        }
        entries.add(new RetentionPolicy.Entry(at(14), 6, null));
        RetentionPolicy last1 = new RetentionPolicy(1, 0, 0, null);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), deletedOrdinals(last1, entries, Set.of()));
        RetentionPolicy last2 = new RetentionPolicy(2, 0, 0, null);
        assertEquals(List.of(1L, 2L, 3L, 4L), deletedOrdinals(last2, entries, Set.of()));
    }

    private static Path at(long step) {
        return ROOT.resolve(String.format("step-%012d-epoch-000000-batch-000000000", step));
    }

    @Test
    void keepBestKeepsTheBestByTheMonitoredMetricAndAlwaysTheNewest() {
        // Losses by ordinal: 5, 1, 3, 1 (tie: the older wins), 4, none.
        List<RetentionPolicy.Entry> e = entries(5f, 1f, 3f, 1f, 4f, null);
        RetentionPolicy best2 = new RetentionPolicy(1, 2, 0, LOSS);
        assertEquals(List.of(1L, 3L, 5L), deletedOrdinals(best2, e, Set.of()));
        RetentionPolicy best1 = new RetentionPolicy(1, 1, 0, LOSS);
        assertEquals(List.of(1L, 3L, 4L, 5L), deletedOrdinals(best1, e, Set.of()));
        // Higher is better for an accuracy.
        RetentionPolicy bestAcc = new RetentionPolicy(1, 2, 0, ACCURACY);
        assertEquals(List.of(2L, 3L, 4L), deletedOrdinals(bestAcc, e, Set.of()));
        // NaN never ranks.
        List<RetentionPolicy.Entry> nan = entries(Float.NaN, 2f, 9f);
        assertEquals(
                List.of(1L), deletedOrdinals(new RetentionPolicy(1, 1, 0, LOSS), nan, Set.of()));
    }

    @Test
    void keepEveryKeepsMultiplesOfTheOrdinalPermanently() {
        RetentionPolicy every3 = new RetentionPolicy(1, 0, 3, null);
        assertEquals(
                List.of(1L, 2L, 4L, 5L, 7L),
                deletedOrdinals(
                        every3, entries(null, null, null, null, null, null, null, null), Set.of()));
    }

    @Test
    void protectedCheckpointsAreNeverDeleted() {
        List<RetentionPolicy.Entry> e = entries(null, null, null, null);
        RetentionPolicy last1 = new RetentionPolicy(1, 0, 0, null);
        assertEquals(List.of(1L, 3L), deletedOrdinals(last1, e, Set.of(dir(e, 2))));
        assertEquals(List.of(3L), deletedOrdinals(last1, e, Set.of(dir(e, 1), dir(e, 2))));
    }

    @Test
    void rulesCombineAsAUnion() {
        // Losses 1..8 descending is better at the end; keep last 2, best 1, every 4th.
        List<RetentionPolicy.Entry> e = entries(0.5f, 8f, 7f, 6f, 5f, 4f, 3f, 2f);
        RetentionPolicy p = new RetentionPolicy(2, 1, 4, LOSS);
        assertEquals(List.of(2L, 3L, 5L, 6L), deletedOrdinals(p, e, Set.of()));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(0, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(1, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(1, 0, -1, null));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> new RetentionPolicy(1, 2, 0, null));
        assertEquals("keepBest needs a monitored metric (optMonitor)", e.getMessage());
    }
}
