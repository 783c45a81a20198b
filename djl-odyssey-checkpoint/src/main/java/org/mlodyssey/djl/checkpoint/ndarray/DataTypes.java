/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/**
 * Maps DJL {@link DataType}s to the format's {@link TensorDType}s, and knows which types the
 * PyTorch engine can hold without aborting the JVM.
 */
public final class DataTypes {

    private DataTypes() {}

    /**
     * Returns the file type of a DJL type.
     *
     * @param type a DJL data type
     * @return the file type, or empty for types the format cannot store (STRING, COMPLEX64, ...)
     */
    public static Optional<TensorDType> toTensorDType(DataType type) {
        switch (type) {
            case FLOAT16:
                return Optional.of(TensorDType.F16);
            case BFLOAT16:
                return Optional.of(TensorDType.BF16);
            case FLOAT32:
                return Optional.of(TensorDType.F32);
            case FLOAT64:
                return Optional.of(TensorDType.F64);
            case INT8:
                return Optional.of(TensorDType.I8);
            case INT16:
                return Optional.of(TensorDType.I16);
            case INT32:
                return Optional.of(TensorDType.I32);
            case INT64:
                return Optional.of(TensorDType.I64);
            case UINT8:
                return Optional.of(TensorDType.U8);
            case UINT16:
                return Optional.of(TensorDType.U16);
            case UINT32:
                return Optional.of(TensorDType.U32);
            case UINT64:
                return Optional.of(TensorDType.U64);
            case BOOLEAN:
                return Optional.of(TensorDType.BOOL);
            default:
                return Optional.empty();
        }
    }

    /**
     * Returns the DJL type of a file type.
     *
     * @param type a file type
     * @return the DJL data type
     */
    public static DataType toDataType(TensorDType type) {
        switch (type) {
            case F16:
                return DataType.FLOAT16;
            case BF16:
                return DataType.BFLOAT16;
            case F32:
                return DataType.FLOAT32;
            case F64:
                return DataType.FLOAT64;
            case I8:
                return DataType.INT8;
            case I16:
                return DataType.INT16;
            case I32:
                return DataType.INT32;
            case I64:
                return DataType.INT64;
            case U8:
                return DataType.UINT8;
            case U16:
                return DataType.UINT16;
            case U32:
                return DataType.UINT32;
            case U64:
                return DataType.UINT64;
            case BOOL:
                return DataType.BOOLEAN;
            default:
                throw new AssertionError("unmapped dtype " + type);
        }
    }

    /**
     * Tells whether the PyTorch 2.7.1 engine of DJL 0.36 can create arrays of a type. Handing it
     * BF16, I16, U16, U32 or U64 data aborts the JVM, so such data are never passed to it.
     *
     * @param type a file type
     * @return true when arrays of this type can be created safely
     */
    public static boolean isEngineSafe(TensorDType type) {
        switch (type) {
            case BF16:
            case I16:
            case U16:
            case U32:
            case U64:
                return false;
            default:
                return true;
        }
    }

    /**
     * Returns the type an engine-unsafe type widens to exactly, in Java, before it reaches the
     * engine: BF16 to F32, I16 and U16 to I32, U32 to I64.
     *
     * @param type a file type
     * @return the wider type, or empty when none holds every value exactly (U64), or when the type
     *     is engine-safe already
     */
    public static Optional<TensorDType> exactWidening(TensorDType type) {
        switch (type) {
            case BF16:
                return Optional.of(TensorDType.F32);
            case I16:
            case U16:
                return Optional.of(TensorDType.I32);
            case U32:
                return Optional.of(TensorDType.I64);
            default:
                return Optional.empty();
        }
    }
}
