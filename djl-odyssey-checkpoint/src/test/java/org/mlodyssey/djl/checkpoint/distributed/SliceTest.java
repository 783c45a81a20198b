/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/** The slice math: intersections, containment, and the byte runs that move a region. */
class SliceTest {

    @Test
    void intersectionOfRowsAndColumnsIsABlock() {
        long[] shape = {8, 6};
        Slice rows = Slice.rows(shape, 2, 4);
        Slice cols = Slice.along(shape, 1, 3, 3);
        Slice block = rows.intersect(cols).orElseThrow();
        assertArrayEquals(new long[] {2, 3}, block.offsets());
        assertArrayEquals(new long[] {4, 3}, block.sizes());
        assertEquals("[2:6, 3:6]", block.toString());
        assertTrue(rows.contains(block));
        assertTrue(cols.contains(block));
        assertFalse(block.contains(rows));
    }

    @Test
    void touchingSlicesDoNotIntersect() {
        long[] shape = {8, 6};
        assertTrue(Slice.rows(shape, 0, 4).intersect(Slice.rows(shape, 4, 4)).isEmpty());
    }

    @Test
    void scalarSliceHasOneElement() {
        Slice scalar = Slice.whole(new long[0]);
        assertEquals(1, scalar.elements());
        assertTrue(scalar.intersect(scalar).isPresent());
        assertEquals("[]", scalar.toString());
    }

    @Test
    void invalidSlicesAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> Slice.of(new long[] {1}, new long[] {1, 2}));
        assertThrows(
                IllegalArgumentException.class, () -> Slice.of(new long[] {-1}, new long[] {2}));
        assertThrows(
                ArithmeticException.class,
                () -> Slice.of(new long[] {Long.MAX_VALUE}, new long[] {1}));
        assertFalse(Slice.of(new long[] {3}, new long[] {2}).isWithin(new long[] {4}));
    }

    @Test
    void rowRegionOfRowChunkIsOneRun() {
        long[] shape = {10, 4};
        SliceCopy.Runs runs =
                SliceCopy.runs(
                        Slice.rows(shape, 3, 2),
                        Slice.rows(shape, 2, 5),
                        Slice.rows(shape, 3, 2),
                        4);
        assertEquals(1, runs.count);
        assertEquals(16, runs.source[0]); // one row of 4 floats in
        assertEquals(0, runs.target[0]);
        assertEquals(32, runs.length[0]);
    }

    @Test
    void columnRegionIsOneRunPerRow() {
        long[] shape = {3, 8};
        Slice cols = Slice.along(shape, 1, 2, 4);
        SliceCopy.Runs runs = SliceCopy.runs(cols, Slice.whole(shape), cols, 2);
        assertEquals(3, runs.count);
        assertArrayEquals(new long[] {4, 20, 36}, java.util.Arrays.copyOf(runs.source, 3));
        assertArrayEquals(new long[] {0, 8, 16}, java.util.Arrays.copyOf(runs.target, 3));
        assertEquals(8, runs.length[2]);
    }

    /** Every dtype width, random shapes of 0 to 4 dimensions with odd sizes, random slices. */
    @Test
    void runsMoveExactlyTheRegionForEveryDtypeWidth() {
        Random random = new Random(7);
        for (TensorDType dtype : TensorDType.values()) {
            for (int trial = 0; trial < 60; trial++) {
                long[] shape = new long[random.nextInt(5)];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = 1 + random.nextInt(7);
                }
                Global global = GlobalTensors.global("t" + trial, dtype, shape);
                Slice source = randomSlice(random, shape);
                Slice target = randomSlice(random, shape);
                Slice region = source.intersect(target).orElse(null);
                if (region == null) {
                    continue;
                }
                byte[] from = GlobalTensors.cut(global, source);
                ByteBuffer to = ByteBuffer.allocate((int) (target.elements() * dtype.byteSize()));
                SliceCopy.forEachRun(
                        region,
                        source,
                        target,
                        dtype.byteSize(),
                        (s, t, n) -> to.put((int) t, from, (int) s, (int) n));
                byte[] expected = GlobalTensors.cut(global, region);
                byte[] actual = new byte[expected.length];
                SliceCopy.forEachRun(
                        region,
                        target,
                        region,
                        dtype.byteSize(),
                        (s, t, n) -> to.get((int) s, actual, (int) t, (int) n));
                assertArrayEquals(
                        expected, actual, dtype + " " + source + " -> " + target + " " + region);
            }
        }
    }

    @Test
    void gridSplitsTileTheShape() {
        List<Slice> grid = GlobalTensors.grid(new long[] {7, 5}, 3, 2);
        assertEquals(6, grid.size());
        assertEquals(35, grid.stream().mapToLong(Slice::elements).sum());
    }

    private static Slice randomSlice(Random random, long[] shape) {
        long[] offsets = new long[shape.length];
        long[] sizes = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            offsets[d] = random.nextInt((int) shape[d]);
            sizes[d] = 1 + random.nextInt((int) (shape[d] - offsets[d]));
        }
        return Slice.of(offsets, sizes);
    }
}
