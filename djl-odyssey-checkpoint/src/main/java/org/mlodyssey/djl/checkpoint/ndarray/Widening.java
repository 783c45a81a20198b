/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/**
 * Widens little-endian element data exactly, in Java, so that it never passes the engine; and turns
 * BOOL bytes into the engine's form (the format reads any non-zero byte as true, while a C++ {@code
 * bool} holding anything but 0 or 1 is undefined behaviour in the engine).
 */
final class Widening {

    private Widening() {}

    /**
     * Widens elements into a buffer of the wider type.
     *
     * @param from the source type (BF16, I16, U16 or U32; BOOL, whose bytes become 0 or 1)
     * @param source the source elements, little-endian
     * @param target receives the widened elements, little-endian; must have room for them
     */
    static void widen(TensorDType from, ByteBuffer source, ByteBuffer target) {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = target.order(ByteOrder.LITTLE_ENDIAN);
        switch (from) {
            case BF16:
                // bfloat16 is the upper half of a float32: shifting it up is exact, NaNs included.
                while (in.remaining() >= 2) {
                    out.putInt((in.getShort() & 0xffff) << 16);
                }
                break;
            case I16:
                while (in.remaining() >= 2) {
                    out.putInt(in.getShort());
                }
                break;
            case U16:
                while (in.remaining() >= 2) {
                    out.putInt(in.getShort() & 0xffff);
                }
                break;
            case U32:
                while (in.remaining() >= 4) {
                    out.putLong(in.getInt() & 0xffffffffL);
                }
                break;
            case BOOL:
                while (in.hasRemaining()) {
                    out.put(in.get() == 0 ? (byte) 0 : (byte) 1);
                }
                break;
            default:
                throw new IllegalArgumentException("no exact widening for " + from);
        }
    }
}
