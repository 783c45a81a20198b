/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.util.Arrays;

/**
 * The byte runs that move a region of a tensor from one C-order buffer to another: each buffer
 * holds a slice of the tensor, contiguous, and the region lies inside both. A run is contiguous in
 * both buffers; runs come in increasing order in both.
 */
final class SliceCopy {

    /** Receives one run. */
    @FunctionalInterface
    interface RunConsumer {
        /**
         * Receives a run.
         *
         * @param source the byte offset in the source buffer
         * @param target the byte offset in the target buffer
         * @param length the number of bytes
         */
        void run(long source, long target, long length);
    }

    /** The runs of a region, as parallel arrays in increasing order. */
    static final class Runs {
        long[] source = new long[16];
        long[] target = new long[16];
        long[] length = new long[16];
        int count;

        void add(long s, long t, long n) {
            if (count == source.length) {
                int grown = Math.multiplyExact(count, 2);
                source = Arrays.copyOf(source, grown);
                target = Arrays.copyOf(target, grown);
                length = Arrays.copyOf(length, grown);
            }
            source[count] = s;
            target[count] = t;
            length[count] = n;
            count++;
        }
    }

    private SliceCopy() {}

    /**
     * Collects the runs of a region.
     *
     * @param region the elements to move; inside both slices
     * @param source the slice the source buffer holds
     * @param target the slice the target buffer holds
     * @param elementBytes the dtype's size
     * @return the runs
     */
    static Runs runs(Slice region, Slice source, Slice target, int elementBytes) {
        Runs runs = new Runs();
        forEachRun(region, source, target, elementBytes, runs::add);
        return runs;
    }

    /**
     * Calls a consumer with every run of a region, in increasing order.
     *
     * @param region the elements to move; inside both slices
     * @param source the slice the source buffer holds
     * @param target the slice the target buffer holds
     * @param elementBytes the dtype's size
     * @param consumer receives the runs
     */
    static void forEachRun(
            Slice region, Slice source, Slice target, int elementBytes, RunConsumer consumer) {
        if (!source.contains(region) || !target.contains(region)) {
            throw new IllegalArgumentException(
                    "region " + region + " is not inside " + source + " and " + target);
        }
        int n = region.dimensions();
        if (region.elements() == 0) {
            return;
        }
        long[] sourceStride = strides(source, elementBytes);
        long[] targetStride = strides(target, elementBytes);
        long sourceBase = 0;
        long targetBase = 0;
        for (int d = 0; d < n; d++) {
            sourceBase += (region.offset(d) - source.offset(d)) * sourceStride[d];
            targetBase += (region.offset(d) - target.offset(d)) * targetStride[d];
        }
        // The innermost dimensions the region spans whole in both buffers join one run.
        int split = n - 1;
        while (split >= 0
                && region.size(split) == source.size(split)
                && region.size(split) == target.size(split)) {
            split--;
        }
        long runBytes = elementBytes;
        for (int d = Math.max(split, 0); d < n; d++) {
            runBytes *= region.size(d);
        }
        if (split <= 0) {
            consumer.run(sourceBase, targetBase, runBytes);
            return;
        }
        long[] index = new long[split];
        while (true) {
            long s = sourceBase;
            long t = targetBase;
            for (int d = 0; d < split; d++) {
                s += index[d] * sourceStride[d];
                t += index[d] * targetStride[d];
            }
            consumer.run(s, t, runBytes);
            int d = split - 1;
            while (d >= 0 && ++index[d] == region.size(d)) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static long[] strides(Slice slice, int elementBytes) {
        int n = slice.dimensions();
        long[] strides = new long[n];
        long stride = elementBytes;
        for (int d = n - 1; d >= 0; d--) {
            strides[d] = stride;
            stride = Math.multiplyExact(stride, slice.size(d));
        }
        return strides;
    }
}
