/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

/** The element types an IDX file can declare with the third byte of its magic number. */
public enum IdxType {
    /** Unsigned 8-bit integers (type code {@code 0x08}). */
    UNSIGNED_BYTE(0x08, 1),
    /** Signed 8-bit integers (type code {@code 0x09}). */
    SIGNED_BYTE(0x09, 1),
    /** Big-endian signed 16-bit integers (type code {@code 0x0B}). */
    SHORT(0x0B, 2),
    /** Big-endian signed 32-bit integers (type code {@code 0x0C}). */
    INT(0x0C, 4),
    /** Big-endian 32-bit floats (type code {@code 0x0D}). */
    FLOAT(0x0D, 4),
    /** Big-endian 64-bit floats (type code {@code 0x0E}). */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /**
     * Returns the type code stored in the magic number.
     *
     * @return the type code
     */
    public int getCode() {
        return code;
    }

    /**
     * Returns the size of one element.
     *
     * @return the number of bytes per element
     */
    public int getBytes() {
        return bytes;
    }

    /**
     * Returns the type with the given code.
     *
     * @param code the type code from the magic number
     * @return the type, or {@code null} when the code is not an IDX type code
     */
    public static IdxType fromCode(int code) {
        for (IdxType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
