/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Round tick values for a plot axis from 0: the step is 1, 2 or 5 times a power of ten (0.0 0.2 0.4
 * ..., 0 500 1000 ...), the smallest such step that needs at most a given number of intervals, and
 * the axis ends at the first tick at or above the largest value.
 *
 * @param step the distance between two ticks
 * @param decimals the digits after the decimal point a label needs
 * @param values the tick values, from 0 to the axis end
 */
public record AxisTicks(double step, int decimals, List<Double> values) {

    /**
     * Creates ticks; use {@link #of(double, int)}.
     *
     * @param step the distance between two ticks
     * @param decimals the digits after the decimal point a label needs
     * @param values the tick values, from 0 to the axis end
     */
    public AxisTicks {
        values = List.copyOf(values);
    }

    /**
     * The ticks of an axis from 0 that shows values up to {@code max}.
     *
     * @param max the largest value shown; 0, negative or not finite is taken as 1
     * @param maxIntervals the most intervals between ticks, at least 1
     * @return the ticks
     */
    public static AxisTicks of(double max, int maxIntervals) {
        if (maxIntervals < 1) {
            throw new IllegalArgumentException("maxIntervals must be at least 1: " + maxIntervals);
        }
        double top = max > 0 && Double.isFinite(max) ? max : 1;
        int exponent = (int) Math.floor(Math.log10(top / maxIntervals));
        BigDecimal step = null;
        while (step == null) {
            BigDecimal power = BigDecimal.ONE.scaleByPowerOfTen(exponent);
            for (int m : new int[] {1, 2, 5}) {
                BigDecimal candidate = power.multiply(BigDecimal.valueOf(m));
                if (Math.ceil(top / candidate.doubleValue() - 1e-9) <= maxIntervals) {
                    step = candidate;
                    break;
                }
            }
            exponent++;
        }
        long intervals = Math.max(1, (long) Math.ceil(top / step.doubleValue() - 1e-9));
        List<Double> values = new ArrayList<>();
        for (long i = 0; i <= intervals; i++) {
            values.add(step.multiply(BigDecimal.valueOf(i)).doubleValue());
        }
        int decimals = Math.max(0, step.stripTrailingZeros().scale());
        return new AxisTicks(step.doubleValue(), decimals, values);
    }

    /**
     * The axis end: the last tick.
     *
     * @return the largest tick value
     */
    public double end() {
        return values.get(values.size() - 1);
    }

    /**
     * A tick's label, with {@link #decimals()} digits after the decimal point.
     *
     * @param value a tick value
     * @return its label
     */
    public String label(double value) {
        return BigDecimal.valueOf(value)
                .setScale(decimals, java.math.RoundingMode.HALF_UP)
                .toPlainString();
    }
}
