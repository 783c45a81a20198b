/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

/**
 * SplitMix64's finaliser, alone or chained to mix a seed, an epoch and an index into 64
 * well-distributed bits: the one source of every seeded draw of a training run (the seeds of a
 * {@code SeedSchedule}; the order of a compact image dataset's epoch, an image's crop and flip).
 */
public final class SplitMix64 {

    private SplitMix64() {}

    /**
     * Mixes three numbers into 64 well-distributed bits.
     *
     * @param a the first number, such as the seed
     * @param b the second number, such as the epoch
     * @param c the third number, such as the image index
     * @return the mixed bits
     */
    public static long mix(long a, long b, long c) {
        return fmix(fmix(fmix(a) ^ b) ^ c);
    }

    /**
     * SplitMix64's finaliser: 64 well-distributed bits from one number.
     *
     * @param z the number
     * @return the mixed bits
     */
    public static long fmix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
