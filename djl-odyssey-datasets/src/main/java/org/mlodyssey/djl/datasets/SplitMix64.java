/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

/**
 * SplitMix64's finaliser, chained to mix a seed, an epoch and an image index into 64
 * well-distributed bits: the one source of every seeded draw of the compact image datasets (the
 * order of an epoch, an image's crop and flip).
 */
final class SplitMix64 {

    private SplitMix64() {}

    /**
     * Mixes three numbers into 64 well-distributed bits.
     *
     * @param a the first number, such as the seed
     * @param b the second number, such as the epoch
     * @param c the third number, such as the image index
     * @return the mixed bits
     */
    static long mix(long a, long b, long c) {
        return fmix(fmix(fmix(a) ^ b) ^ c);
    }

    private static long fmix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
