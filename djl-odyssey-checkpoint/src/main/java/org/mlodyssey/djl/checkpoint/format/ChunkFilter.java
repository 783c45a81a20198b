/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A reversible rearrangement of a chunk's bytes that groups bytes of the same significance, so that
 * a general-purpose codec finds the redundancy of floating-point data (similar exponents, noisy
 * mantissas). Each filter maps {@code n} bytes of elements of {@code k} bytes to {@code n} bytes;
 * {@code n} is a multiple of {@code k}. A filter also says how the filtered chunk is framed: one
 * zstd frame, or one frame per byte plane ({@link #framePerPlane()}), so that each plane's entropy
 * coder sees only bytes of one significance.
 */
public enum ChunkFilter {
    /** The bytes as they are. */
    NONE("none", false, false),
    /**
     * Byte shuffle: byte plane 0 (the least significant byte of every element), then plane 1, and
     * so on up to plane {@code k - 1}.
     */
    SHUFFLE("shuffle", false, false),
    /**
     * Exponent/mantissa split: each element, read as a {@code k}-byte little-endian integer, is
     * rotated left by one bit (the sign moves to the least significant bit, so the exponent's bits
     * lead), then the bytes are shuffled as {@link #SHUFFLE} does. The most significant plane then
     * holds only exponent bits for F32, BF16 and F64.
     */
    SPLIT("split", true, false),
    /**
     * Byte planes: the bytes shuffled as {@link #SHUFFLE} does, each of the {@code k} planes then
     * compressed as its own zstd frame (the frames stored one after the other, plane 0 first).
     */
    SHUFFLE_PLANES("shuffle-planes", false, true),
    /**
     * Exponent/mantissa split with one zstd frame per byte plane: the bytes rearranged as {@link
     * #SPLIT} does, each of the {@code k} planes then compressed as its own zstd frame (the frames
     * stored one after the other, plane 0 first), so that the exponents are entropy-coded apart
     * from the mantissas (the approach of ZipNN).
     */
    SPLIT_PLANES("split-planes", true, true);

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final String id;
    private final boolean rotate;
    private final boolean framePerPlane;

    ChunkFilter(String id, boolean rotate, boolean framePerPlane) {
        this.id = id;
        this.rotate = rotate;
        this.framePerPlane = framePerPlane;
    }

    /**
     * Tells whether each byte plane of a filtered chunk is its own zstd frame.
     *
     * @return true for {@link #SHUFFLE_PLANES} and {@link #SPLIT_PLANES}; false when the filtered
     *     chunk is one frame
     */
    public boolean framePerPlane() {
        return framePerPlane;
    }

    /**
     * Returns the name files record for this filter.
     *
     * @return the id, e.g. {@code "split"}
     */
    public String id() {
        return id;
    }

    /**
     * Finds a filter by the name files record.
     *
     * @param id the recorded name
     * @return the filter, or empty when this reader does not know it
     */
    public static Optional<ChunkFilter> fromId(String id) {
        for (ChunkFilter filter : values()) {
            if (filter.id.equals(id)) {
                return Optional.of(filter);
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a dtype is a floating-point type, the only types filters apply to.
     *
     * @param dtype the dtype
     * @return true for F16, BF16, F32 and F64
     */
    public static boolean isFloat(TensorDType dtype) {
        return dtype == TensorDType.F16
                || dtype == TensorDType.BF16
                || dtype == TensorDType.F32
                || dtype == TensorDType.F64;
    }

    /**
     * Applies the filter.
     *
     * @param k the element size in bytes
     * @param src the elements, from index 0
     * @param dst receives the filtered bytes, from index 0
     * @param n the number of bytes, a multiple of {@code k}
     */
    void encode(int k, byte[] src, byte[] dst, int n) {
        apply(true, k, src, dst, n);
    }

    /**
     * Reverses {@link #encode}.
     *
     * @param k the element size in bytes
     * @param src the filtered bytes, from index 0
     * @param dst receives the elements, from index 0
     * @param n the number of bytes, a multiple of {@code k}
     */
    void decode(int k, byte[] src, byte[] dst, int n) {
        apply(false, k, src, dst, n);
    }

    /** Encodes or decodes: copies for {@link #NONE} and single bytes, else by element size. */
    private void apply(boolean encode, int k, byte[] src, byte[] dst, int n) {
        if (this == NONE || k == 1) {
            System.arraycopy(src, 0, dst, 0, n);
            return;
        }
        int count = n / k;
        switch (k) {
            case 2:
                if (encode) {
                    encode2(src, dst, count, rotate);
                } else {
                    decode2(src, dst, count, rotate);
                }
                break;
            case 4:
                if (encode) {
                    encode4(src, dst, count, rotate);
                } else {
                    decode4(src, dst, count, rotate);
                }
                break;
            case 8:
                if (encode) {
                    encode8(src, dst, count, rotate);
                } else {
                    decode8(src, dst, count, rotate);
                }
                break;
            default:
                throw new IllegalArgumentException("element size " + k);
        }
    }

    private static void encode2(byte[] src, byte[] dst, int count, boolean rotate) {
        for (int i = 0; i < count; i++) {
            int v = (short) SHORT_LE.get(src, i << 1) & 0xFFFF;
            if (rotate) {
                v = ((v << 1) | (v >>> 15)) & 0xFFFF;
            }
            dst[i] = (byte) v;
            dst[count + i] = (byte) (v >>> 8);
        }
    }

    private static void decode2(byte[] src, byte[] dst, int count, boolean rotate) {
        for (int i = 0; i < count; i++) {
            SHORT_LE.set(dst, i << 1, element2(src, count, i, rotate));
        }
    }

    private static void encode4(byte[] src, byte[] dst, int count, boolean rotate) {
        for (int i = 0; i < count; i++) {
            int v = (int) INT_LE.get(src, i << 2);
            if (rotate) {
                v = Integer.rotateLeft(v, 1);
            }
            dst[i] = (byte) v;
            dst[count + i] = (byte) (v >>> 8);
            dst[2 * count + i] = (byte) (v >>> 16);
            dst[3 * count + i] = (byte) (v >>> 24);
        }
    }

    private static void decode4(byte[] src, byte[] dst, int count, boolean rotate) {
        for (int i = 0; i < count; i++) {
            INT_LE.set(dst, i << 2, element4(src, count, i, rotate));
        }
    }

    /** Gathers element {@code i} of 4 bytes from its 4 planes and undoes the rotation. */
    private static int element4(byte[] src, int count, int i, boolean rotate) {
        int v =
                (src[i] & 0xFF)
                        | (src[count + i] & 0xFF) << 8
                        | (src[2 * count + i] & 0xFF) << 16
                        | (src[3 * count + i] & 0xFF) << 24;
        return rotate ? Integer.rotateRight(v, 1) : v;
    }

    /** Gathers element {@code i} of 2 bytes from its 2 planes and undoes the rotation. */
    private static short element2(byte[] src, int count, int i, boolean rotate) {
        int v = (src[i] & 0xFF) | (src[count + i] & 0xFF) << 8;
        return (short) (rotate ? (v >>> 1) | (v << 15) : v);
    }

    private static void encode8(byte[] src, byte[] dst, int count, boolean rotate) {
        for (int i = 0; i < count; i++) {
            long v = (long) LONG_LE.get(src, i << 3);
            if (rotate) {
                v = Long.rotateLeft(v, 1);
            }
            for (int b = 0; b < 8; b++) {
                dst[b * count + i] = (byte) (v >>> (8 * b));
            }
        }
    }

    private static void decode8(byte[] src, byte[] dst, int count, boolean rotate) {
        for (int i = 0; i < count; i++) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v |= (src[b * count + i] & 0xFFL) << (8 * b);
            }
            if (rotate) {
                v = Long.rotateRight(v, 1);
            }
            LONG_LE.set(dst, i << 3, v);
        }
    }
}
