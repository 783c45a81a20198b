/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/** One test per way chunks can fail to tile a tensor, and the tilings that pass. */
class CoverageValidatorTest {

    private static final long[] SHAPE = {7, 5};

    private static Chunk chunk(int rank, TensorDType dtype, long[] shape, Slice slice) {
        long bytes = slice.elements() * dtype.byteSize();
        return new Chunk(
                "w",
                dtype,
                shape,
                slice,
                rank,
                "rank-" + rank,
                "w@",
                8,
                bytes,
                64,
                new int[(int) Chunk.blockCount(bytes, 64)]);
    }

    private static List<Chunk> chunks(List<Slice> slices) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            chunks.add(chunk(i, TensorDType.F32, SHAPE, slices.get(i)));
        }
        return chunks;
    }

    @Test
    void rowColumnAndBlockTilingsWithOddSizesPass() throws Exception {
        for (int[] parts : new int[][] {{3}, {1, 4}, {3, 2}, {7, 5}, {1}}) {
            SortedMap<String, TensorLayout> tensors =
                    CoverageValidator.validate("ckpt", chunks(GlobalTensors.grid(SHAPE, parts)));
            assertEquals(1, tensors.size());
            assertEquals(TensorDType.F32, tensors.get("w").dtype());
        }
    }

    @Test
    void scalarAndEmptyTensorsPass() throws Exception {
        CoverageValidator.validate(
                "ckpt", List.of(chunk(0, TensorDType.I8, new long[0], Slice.whole(new long[0]))));
        long[] empty = {0, 3};
        CoverageValidator.validate(
                "ckpt",
                List.of(
                        chunk(0, TensorDType.I8, empty, Slice.whole(empty)),
                        chunk(1, TensorDType.I8, empty, Slice.whole(empty))));
    }

    @Test
    void overlapIsRefusedNamingBothRanks() {
        List<Chunk> chunks = chunks(GlobalTensors.grid(SHAPE, 2));
        chunks.add(
                chunk(5, TensorDType.F32, SHAPE, Slice.of(new long[] {3, 4}, new long[] {1, 1})));
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", chunks));
        assertEquals(Kind.OVERLAPPING_CHUNKS, e.getKind());
        assertEquals("w", e.getTensor());
        assertTrue(e.getMessage().contains("rank 5"), e.getMessage());
        assertTrue(e.getMessage().contains("[3:4, 4:5]"), e.getMessage());
    }

    @Test
    void holeIsRefused() {
        List<Chunk> chunks = chunks(GlobalTensors.grid(SHAPE, 3, 2));
        chunks.remove(3);
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", chunks));
        assertEquals(Kind.MISSING_CHUNKS, e.getKind());
        assertTrue(e.getMessage().contains("29 of the 35"), e.getMessage());
    }

    @Test
    void missingRowsAreNamed() {
        List<Chunk> chunks = chunks(GlobalTensors.grid(SHAPE, 7));
        chunks.remove(4);
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", chunks));
        assertTrue(e.getMessage().contains("index 4 of dimension 0"), e.getMessage());
    }

    @Test
    void dtypeMismatchIsRefused() {
        List<Chunk> chunks = chunks(GlobalTensors.grid(SHAPE, 2));
        Slice last = chunks.get(1).slice();
        chunks.set(1, chunk(1, TensorDType.I32, SHAPE, last));
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", chunks));
        assertEquals(Kind.DTYPE_MISMATCH, e.getKind());
        assertEquals(1, e.getRank());
    }

    @Test
    void globalShapeMismatchIsRefused() {
        List<Chunk> chunks = chunks(GlobalTensors.grid(SHAPE, 2));
        chunks.set(1, chunk(1, TensorDType.F32, new long[] {8, 5}, chunks.get(1).slice()));
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", chunks));
        assertEquals(Kind.SHAPE_MISMATCH, e.getKind());
    }

    @Test
    void sliceOutsideTheShapeIsRefused() {
        List<Chunk> chunks = chunks(GlobalTensors.grid(SHAPE, 1));
        chunks.add(
                chunk(1, TensorDType.F32, SHAPE, Slice.of(new long[] {7, 0}, new long[] {1, 5})));
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", chunks));
        assertEquals(Kind.INVALID_SLICE, e.getKind());
    }

    @Test
    void byteLengthDisagreeingWithTheSliceIsRefused() {
        Slice whole = Slice.whole(SHAPE);
        Chunk wrong =
                new Chunk("w", TensorDType.F32, SHAPE, whole, 0, "f", "w@", 8, 139, 64, new int[3]);
        DistributedCheckpointException e =
                assertThrows(
                        DistributedCheckpointException.class,
                        () -> CoverageValidator.validate("ckpt", List.of(wrong)));
        assertEquals(Kind.INVALID_SLICE, e.getKind());
    }
}
