/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.util.Optional;

/**
 * The element types a named-tensor file can hold, named as the safetensors format names them.
 *
 * <p>Every element is stored little-endian; {@link #BOOL} is one byte per element, 0 for false and
 * any other value for true (DJL writes 0 or 1); the format layer stores and returns the bytes as
 * they are.
 */
public enum TensorDType {
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16: the upper 16 bits of an IEEE 754 single. */
    BF16(2),
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 double precision. */
    F64(8),
    /** Signed 8-bit integer. */
    I8(1),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 64-bit integer. */
    I64(8),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** Unsigned 64-bit integer. */
    U64(8),
    /** Boolean, one byte per element. */
    BOOL(1);

    private final int byteSize;

    TensorDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Returns the number of bytes of one element.
     *
     * @return the element size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Returns the name the safetensors header uses for this type.
     *
     * @return the safetensors dtype name, e.g. {@code "F32"}
     */
    public String safetensorsName() {
        return name();
    }

    /**
     * Finds the type of a safetensors dtype name.
     *
     * @param name a safetensors dtype name, e.g. {@code "BF16"}
     * @return the type, or empty when this format does not know the name
     */
    public static Optional<TensorDType> fromSafetensorsName(String name) {
        for (TensorDType type : values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
