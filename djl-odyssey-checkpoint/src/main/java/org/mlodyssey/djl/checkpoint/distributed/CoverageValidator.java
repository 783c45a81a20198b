/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;

/**
 * Checks that chunks tile their global tensors exactly: for every tensor, all chunks agree on the
 * dtype and the global shape, each lies within the shape with the byte size its elements need, no
 * two share an element, and together they cover every element. The coordinator runs it before it
 * commits; a reader runs it again on the metadata it loads.
 */
public final class CoverageValidator {

    private CoverageValidator() {}

    /**
     * Validates chunks and groups them by tensor.
     *
     * @param checkpoint the checkpoint's location, for messages
     * @param chunks the chunks of every rank
     * @return the tensors by name, each with its chunks sorted by offsets
     * @throws DistributedCheckpointException naming the tensor and rank at fault
     */
    public static SortedMap<String, TensorLayout> validate(
            String checkpoint, Collection<Chunk> chunks) throws DistributedCheckpointException {
        Map<String, List<Chunk>> byTensor = new LinkedHashMap<>();
        for (Chunk chunk : chunks) {
            byTensor.computeIfAbsent(chunk.tensor(), k -> new ArrayList<>()).add(chunk);
        }
        SortedMap<String, TensorLayout> tensors = new TreeMap<>();
        for (Map.Entry<String, List<Chunk>> entry : byTensor.entrySet()) {
            tensors.put(entry.getKey(), validateTensor(checkpoint, entry.getValue()));
        }
        return tensors;
    }

    private static TensorLayout validateTensor(String checkpoint, List<Chunk> chunks)
            throws DistributedCheckpointException {
        List<Chunk> sorted = new ArrayList<>(chunks);
        sorted.sort(
                Comparator.comparing((Chunk c) -> c.slice().offsets(), Arrays::compare)
                        .thenComparingInt(Chunk::rank));
        Chunk first = sorted.get(0);
        String name = first.tensor();
        long total = elements(checkpoint, first, first.globalShape());
        long covered = 0;
        for (Chunk chunk : sorted) {
            if (chunk.dtype() != first.dtype()) {
                throw refuse(
                        Kind.DTYPE_MISMATCH,
                        checkpoint,
                        chunk,
                        "dtype "
                                + chunk.dtype()
                                + ", but rank "
                                + first.rank()
                                + " has "
                                + first.dtype());
            }
            if (!Arrays.equals(chunk.globalShape(), first.globalShape())) {
                throw refuse(
                        Kind.SHAPE_MISMATCH,
                        checkpoint,
                        chunk,
                        "global shape "
                                + Arrays.toString(chunk.globalShape())
                                + ", but rank "
                                + first.rank()
                                + " has "
                                + Arrays.toString(first.globalShape()));
            }
            if (!chunk.slice().isWithin(chunk.globalShape())) {
                throw refuse(
                        Kind.INVALID_SLICE,
                        checkpoint,
                        chunk,
                        "slice "
                                + chunk.slice()
                                + " is not within the global shape "
                                + Arrays.toString(chunk.globalShape()));
            }
            long elements = chunk.slice().elements();
            if (chunk.byteLength() != elements * chunk.dtype().byteSize()) {
                throw refuse(
                        Kind.INVALID_SLICE,
                        checkpoint,
                        chunk,
                        "slice "
                                + chunk.slice()
                                + " of "
                                + chunk.dtype()
                                + " needs "
                                + elements * chunk.dtype().byteSize()
                                + " bytes, the chunk has "
                                + chunk.byteLength());
            }
            covered += elements;
        }
        checkNoOverlap(checkpoint, sorted);
        if (covered != total) {
            throw new DistributedCheckpointException(
                    Kind.MISSING_CHUNKS,
                    checkpoint,
                    name,
                    -1,
                    null,
                    "the chunks cover "
                            + covered
                            + " of the "
                            + total
                            + " elements of shape "
                            + Arrays.toString(first.globalShape())
                            + "; a hole is left"
                            + holeHint(sorted, first.globalShape()));
        }
        return new TensorLayout(name, first.dtype(), first.globalShape().clone(), sorted);
    }

    private static long elements(String checkpoint, Chunk chunk, long[] shape)
            throws DistributedCheckpointException {
        try {
            for (long dim : shape) {
                if (dim < 0) {
                    throw new ArithmeticException("negative dimension");
                }
            }
            return Math.multiplyExact(Slice.whole(shape).elements(), chunk.dtype().byteSize())
                    / chunk.dtype().byteSize();
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw refuse(
                    Kind.INVALID_SLICE,
                    checkpoint,
                    chunk,
                    "global shape " + Arrays.toString(shape) + " is invalid: " + e.getMessage());
        }
    }

    private static DistributedCheckpointException refuse(
            Kind kind, String checkpoint, Chunk chunk, String detail) {
        return new DistributedCheckpointException(
                kind, checkpoint, chunk.tensor(), chunk.rank(), chunk.file(), detail);
    }

    /**
     * Checks pairs of chunks, sorted by offsets, for a common element. Sorted by the first offset,
     * a chunk can overlap only chunks that start before its end in the first dimension.
     */
    private static void checkNoOverlap(String checkpoint, List<Chunk> sorted)
            throws DistributedCheckpointException {
        for (int i = 0; i < sorted.size(); i++) {
            Chunk a = sorted.get(i);
            if (a.slice().elements() == 0) {
                continue;
            }
            for (int j = i + 1; j < sorted.size(); j++) {
                Chunk b = sorted.get(j);
                if (a.slice().dimensions() > 0
                        && b.slice().offset(0) >= a.slice().offset(0) + a.slice().size(0)) {
                    break;
                }
                if (a.slice().intersect(b.slice()).isPresent()) {
                    throw new DistributedCheckpointException(
                            Kind.OVERLAPPING_CHUNKS,
                            checkpoint,
                            a.tensor(),
                            b.rank(),
                            b.file(),
                            "chunk "
                                    + b.slice()
                                    + " of rank "
                                    + b.rank()
                                    + " overlaps chunk "
                                    + a.slice()
                                    + " of rank "
                                    + a.rank()
                                    + " in "
                                    + a.slice().intersect(b.slice()).get());
                }
            }
        }
    }

    /** Names the first uncovered index of the first dimension's rows, when there is a row gap. */
    private static String holeHint(List<Chunk> sorted, long[] shape) {
        if (shape.length == 0) {
            return "";
        }
        long next = 0;
        for (Chunk chunk : sorted) {
            if (chunk.slice().offset(0) > next) {
                break;
            }
            next = Math.max(next, chunk.slice().offset(0) + chunk.slice().size(0));
        }
        return next < shape[0]
                ? " (no chunk starts at or covers index " + next + " of dimension 0)"
                : "";
    }
}
