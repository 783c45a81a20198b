/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.dataset.SequenceSampler;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options every compact image dataset's builder shares: defaults and refusals, no engine. */
class CompactImageDatasetBuilderTest {

    private static Cifar10.Builder builder() {
        return Cifar10.builder().optDataDir(Path.of("unused")).setSampling(4, false);
    }

    @Test
    void defaults() {
        Cifar10 d = builder().build();
        assertEquals(Usage.TRAIN, d.getUsage());
        assertEquals(0, d.getEpoch());
        assertTrue(d.isPositionableMidEpoch(), "its own seeded sampling");
        assertEquals(CompactImageDataset.DEFAULT_SPLIT_SEED, d.splitSeed);
        assertEquals(0, d.validationSize);
    }

    /** Configures any compact image dataset's builder alike, through the shared builder type. */
    private static <T extends CompactImageDatasetBuilder<T>> T holdOut(T builder) {
        return builder.optDataDir(Path.of("unused"))
                .optValidationSplit(100, 7)
                .optUsage(Usage.VALIDATION)
                .optSeed(3)
                .setSampling(4, true);
    }

    @Test
    void everyBuilderIsATopLevelCompactImageDatasetBuilder() {
        assertNull(CompactImageDatasetBuilder.class.getEnclosingClass(), "a top-level type");
        assertTrue(Modifier.isPublic(CompactImageDatasetBuilder.class.getModifiers()));
        Emnist emnist = holdOut(Emnist.builder()).build();
        Cifar10 cifar10 = holdOut(Cifar10.builder()).build();
        Cifar100 cifar100 = holdOut(Cifar100.builder()).build();
        for (CompactImageDataset d : List.of(emnist, cifar10, cifar100)) {
            assertEquals(Usage.VALIDATION, d.getUsage());
            assertEquals(100, d.validationSize);
            assertEquals(7, d.splitSeed);
        }
    }

    @Test
    void customSamplerCannotBePositionedMidEpoch() {
        Cifar10 d =
                Cifar10.builder()
                        .optDataDir(Path.of("unused"))
                        .setSampling(
                                new ai.djl.training.dataset.BatchSampler(new SequenceSampler(), 2))
                        .build();
        assertFalse(d.isPositionableMidEpoch());
    }

    @Test
    void setPositionAndSetEpoch() {
        Cifar10 d = builder().build();
        d.setPosition(4, 2);
        assertEquals(4, d.getEpoch());
        d.setEpoch(7);
        assertEquals(7, d.getEpoch());
        assertThrows(IllegalArgumentException.class, () -> d.setPosition(-1, 0));
    }

    @Test
    void validationUsageNeedsASplit() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> builder().optUsage(Usage.VALIDATION).build());
        assertTrue(e.getMessage().contains("optValidationSplit"), e.getMessage());
    }

    @Test
    void negativeValidationSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> builder().optValidationSplit(-1));
    }

    @Test
    void nonPositiveBatchSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> builder().setSampling(0, true));
    }

    @Test
    void normalisationNeedsOneMeanAndStdPerChannel() {
        assertThrows(
                IllegalArgumentException.class,
                () -> builder().optNormalization(new float[] {0.5f}, new float[] {0.5f}));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Emnist.builder()
                                .optNormalization(new float[] {0.5f, 0.5f}, new float[] {0.5f}));
    }

    @Test
    void stdMustBePositive() {
        float[] mean = {0, 0, 0};
        assertThrows(
                IllegalArgumentException.class,
                () -> builder().optNormalization(mean, new float[] {1, 0, 1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> builder().optNormalization(mean, new float[] {1, Float.NaN, 1}));
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> builder().optUsage(null));
        assertThrows(NullPointerException.class, () -> builder().optDataDir(null));
        assertThrows(NullPointerException.class, () -> builder().optMirror(null));
    }
}
