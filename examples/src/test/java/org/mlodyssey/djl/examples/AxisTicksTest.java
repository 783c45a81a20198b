/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTicksTest {

    private static List<String> labels(AxisTicks t) {
        return t.values().stream().map(t::label).toList();
    }

    @Test
    void accuracyFromZeroToOneIsInFifths() {
        AxisTicks t = AxisTicks.of(1, 5);
        assertEquals(0.2, t.step(), 0);
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), labels(t));
    }

    @Test
    void largeValuesStepByFiveHundred() {
        AxisTicks t = AxisTicks.of(1234, 5);
        assertEquals(List.of("0", "500", "1000", "1500"), labels(t));
        assertEquals(1500, t.end(), 0);
    }

    @Test
    void theStepIsOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(List.of("0", "1", "2", "3"), labels(AxisTicks.of(3, 5)));
        assertEquals(List.of("0", "2", "4", "6", "8", "10", "12"), labels(AxisTicks.of(11.2, 10)));
        assertEquals(
                List.of("0.0", "0.5", "1.0", "1.5", "2.0", "2.5"), labels(AxisTicks.of(2.3, 5)));
        assertEquals(
                List.of("0.00", "0.05", "0.10", "0.15", "0.20"), labels(AxisTicks.of(0.17, 5)));
        for (double max : new double[] {0.003, 0.7, 1, 4.9, 37, 99, 100, 101, 2e6}) {
            for (int n = 1; n <= 12; n++) {
                AxisTicks t = AxisTicks.of(max, n);
                double mantissa = t.step() / Math.pow(10, Math.floor(Math.log10(t.step())));
                assertEquals(
                        1,
                        List.of(1.0, 2.0, 5.0).stream()
                                .filter(m -> Math.abs(m - mantissa) < 1e-9)
                                .count(),
                        max + "/" + n + ": step " + t.step());
                assertEquals(true, t.end() >= max - 1e-9, max + "/" + n);
                assertEquals(true, t.values().size() - 1 <= n, max + "/" + n);
                assertEquals(true, t.end() - t.step() < max, max + "/" + n + ": no empty tick");
            }
        }
    }

    @Test
    void nothingToShowIsZeroToOne() {
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), labels(AxisTicks.of(0, 5)));
        assertEquals(1, AxisTicks.of(Double.NaN, 5).end(), 0);
        assertThrows(IllegalArgumentException.class, () -> AxisTicks.of(1, 0));
    }
}
