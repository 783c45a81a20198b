/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.engine.Engine;
import ai.djl.util.RandomUtils;
import org.mlodyssey.djl.checkpoint.internal.SplitMix64;

/**
 * Derives every random seed of a training run from one run seed, so that a resumed run draws the
 * same random numbers as an uninterrupted one without saving any generator state.
 *
 * <ul>
 *   <li>Before epoch {@code e} builds its shuffled order, {@link RandomUtils#RANDOM} (which DJL's
 *       {@code RandomSampler} draws from) is reseeded with {@link #shuffleSeed(int)}.
 *   <li>Before global step {@code s} fetches its batch, the engine is reseeded with {@link
 *       #engineSeed(long)}: this sets torch's global generator (dropout) and, as a side effect of
 *       DJL's {@code Engine.setRandomSeed}, {@link RandomUtils#RANDOM} again (random transforms).
 *   <li>Before epoch {@code e} ends (validation, {@code onEpoch}), the engine is reseeded with
 *       {@link #epochEndSeed(int)}.
 *   <li>Before the parameters are initialized, the engine is reseeded with {@link #initSeed()}.
 * </ul>
 *
 * <p>Under {@code EasyTrain.fit}, which has no call before a batch is loaded, the checkpoint
 * listener reseeds with {@link #engineSeed(long)} for step {@code s} right after step {@code s-1}'s
 * {@code onTrainingBatch} (and at an epoch's end or a resume for the first step after it); the
 * batch of step {@code s} is then loaded and its forward pass run under that seed.
 *
 * <p>The seeds are mixed with SplitMix64, so nearby steps get unrelated seeds.
 *
 * @param seed the run seed
 */
public record SeedSchedule(long seed) {

    private static final long SHUFFLE_STREAM = 0x5348_5546_464C_4531L;
    private static final long ENGINE_STREAM = 0x454E_4749_4E45_5331L;
    private static final long EPOCH_END_STREAM = 0x4550_4F43_4845_4E44L;
    private static final long INIT_STREAM = 0x494E_4954_5745_4754L;

    /**
     * Returns the seed of {@link RandomUtils#RANDOM} before epoch {@code epoch} is shuffled.
     *
     * @param epoch the zero-based epoch
     * @return the seed
     */
    public long shuffleSeed(int epoch) {
        return SplitMix64.fmix(SplitMix64.fmix(seed ^ SHUFFLE_STREAM) + epoch);
    }

    /**
     * Returns the engine seed set before global step {@code globalStep} (zero-based) runs.
     *
     * @param globalStep the number of steps taken before this one
     * @return a non-negative seed
     */
    public int engineSeed(long globalStep) {
        return (int) (SplitMix64.fmix(SplitMix64.fmix(seed ^ ENGINE_STREAM) + globalStep) >>> 33);
    }

    /**
     * Returns the engine seed set before the end of epoch {@code epoch} (validation, {@code
     * onEpoch}).
     *
     * @param epoch the zero-based epoch
     * @return a non-negative seed
     */
    public int epochEndSeed(int epoch) {
        return (int) (SplitMix64.fmix(SplitMix64.fmix(seed ^ EPOCH_END_STREAM) + epoch) >>> 33);
    }

    /**
     * Returns the engine seed set before the model's parameters are initialized.
     *
     * @return a non-negative seed
     */
    public int initSeed() {
        return (int) (SplitMix64.fmix(SplitMix64.fmix(seed ^ INIT_STREAM)) >>> 33);
    }

    /**
     * Reseeds the engine (and the shuffling generator) before {@code trainer.initialize}, so that
     * two runs of the same seed start from the same weights.
     */
    public void beforeInitialization() {
        Engine.getInstance().setRandomSeed(initSeed());
    }

    /**
     * Reseeds the engine (and the shuffling generator) before an epoch's end, so that validation
     * draws the same random numbers whether or not the run was resumed in that epoch.
     *
     * @param epoch the zero-based epoch
     */
    public void beforeEpochEnd(int epoch) {
        Engine.getInstance().setRandomSeed(epochEndSeed(epoch));
    }

    /**
     * Reseeds the shuffling generator for an epoch.
     *
     * @param epoch the zero-based epoch
     */
    public void beforeEpoch(int epoch) {
        RandomUtils.RANDOM.setSeed(shuffleSeed(epoch));
    }

    /**
     * Reseeds the engine (and, through DJL, the shuffling generator) for a step.
     *
     * @param globalStep the number of steps taken before this one
     */
    public void beforeStep(long globalStep) {
        Engine.getInstance().setRandomSeed(engineSeed(globalStep));
    }
}
