/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/**
 * Test data for distributed checkpoints: global tensors of seeded random bytes, their slices cut
 * element by element (a reference independent of the code under test), and splits of a shape into a
 * grid of near-equal parts.
 */
public final class GlobalTensors {

    /** A global tensor: name, dtype, shape and every byte. */
    public record Global(String name, TensorDType dtype, long[] shape, byte[] bytes) {}

    /** The tensors of the tests: every dtype width, odd sizes, a scalar, an empty tensor. */
    public static List<Global> standardSet() {
        List<Global> set = new ArrayList<>();
        set.add(global("rows", TensorDType.F32, 37, 12));
        set.add(global("cols", TensorDType.BF16, 9, 22));
        set.add(global("block", TensorDType.F64, 10, 14));
        set.add(global("cube", TensorDType.U8, 3, 5, 7));
        set.add(global("wide", TensorDType.I16, 6, 1001));
        set.add(global("replicated", TensorDType.I64, 5, 3));
        set.add(global("scalar", TensorDType.F32));
        set.add(global("empty", TensorDType.I32, 0, 4));
        return set;
    }

    public static Global global(String name, TensorDType dtype, long... shape) {
        long n = dtype.byteSize();
        for (long dim : shape) {
            n *= dim;
        }
        byte[] bytes = new byte[(int) n];
        new Random(name.hashCode() * 31L + dtype.ordinal()).nextBytes(bytes);
        return new Global(name, dtype, shape, bytes);
    }

    /** Cuts a slice out of a global tensor, element by element. */
    public static byte[] cut(Global global, Slice slice) {
        int e = global.dtype().byteSize();
        long[] shape = global.shape();
        long[] off = slice.offsets();
        long[] size = slice.sizes();
        int n = shape.length;
        byte[] out = new byte[(int) (slice.elements() * e)];
        if (out.length == 0) {
            return out;
        }
        long[] index = new long[n];
        for (int k = 0; k < slice.elements(); k++) {
            long linear = 0;
            for (int d = 0; d < n; d++) {
                linear = linear * shape[d] + off[d] + index[d];
            }
            System.arraycopy(global.bytes(), (int) (linear * e), out, k * e, e);
            for (int d = n - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }

    /** Splits a shape into a grid: dimension d into parts[d] near-equal pieces, C order. */
    public static List<Slice> grid(long[] shape, int... parts) {
        List<Slice> slices = new ArrayList<>();
        slices.add(Slice.whole(shape));
        for (int d = 0; d < parts.length && d < shape.length; d++) {
            List<Slice> next = new ArrayList<>();
            for (Slice s : slices) {
                for (int p = 0; p < parts[d]; p++) {
                    long from = shape[d] * p / parts[d];
                    long to = shape[d] * (p + 1) / parts[d];
                    long[] offsets = s.offsets();
                    long[] sizes = s.sizes();
                    offsets[d] = from;
                    sizes[d] = to - from;
                    next.add(Slice.of(offsets, sizes));
                }
            }
            slices = next;
        }
        return slices;
    }

    /**
     * The shards one rank of {@code world} holds when each tensor is split its own way: rows along
     * dimension 0, cols along dimension 1, block and wide as grids, cube along its last dimension,
     * replicated and scalar whole on every rank, empty by rows.
     */
    public static List<TensorShard> shardsOf(List<Global> set, int rank, int world) {
        List<TensorShard> shards = new ArrayList<>();
        for (Global g : set) {
            if (g.name().equals("replicated") || g.name().equals("scalar")) {
                int[] all = new int[world];
                for (int r = 0; r < world; r++) {
                    all[r] = r;
                }
                Slice whole = Slice.whole(g.shape());
                shards.add(
                        TensorShard.replicated(
                                g.name(),
                                g.dtype(),
                                g.shape(),
                                whole,
                                ByteBuffer.wrap(cut(g, whole)),
                                all));
                continue;
            }
            List<Slice> slices = split(g, world);
            for (int i = rank; i < slices.size(); i += world) {
                Slice s = slices.get(i);
                shards.add(
                        TensorShard.of(
                                g.name(), g.dtype(), g.shape(), s, ByteBuffer.wrap(cut(g, s))));
            }
        }
        return shards;
    }

    /** How a tensor is split for saving by {@code world} ranks. */
    public static List<Slice> split(Global g, int world) {
        switch (g.name()) {
            case "cols":
                return grid(g.shape(), 1, world);
            case "block":
            case "wide":
                return world % 2 == 0 ? grid(g.shape(), 2, world / 2) : grid(g.shape(), world, 1);
            case "cube":
                return grid(g.shape(), 1, 1, world);
            default:
                return grid(g.shape(), world);
        }
    }

    /** How a tensor is split for loading by {@code world} ranks: a split other than saving's. */
    public static List<Slice> loadSplit(Global g, int world) {
        if (g.shape().length < 2) {
            return grid(g.shape(), world);
        }
        switch (world % 3) {
            case 0:
                return grid(g.shape(), 1, world);
            case 1:
                return grid(g.shape(), world);
            default:
                return grid(g.shape(), 2, world / 2);
        }
    }

    private GlobalTensors() {}
}
