/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.internal;

import java.nio.file.Path;
import java.util.Arrays;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;

/**
 * Allocates the byte array for data whose size a header declares, without trusting the header.
 *
 * <p>When the file confirms the declared size ({@link DataFileInput#confirmsPayloadBytes}), the
 * array is allocated at its final size at once. Otherwise it starts at {@link
 * #UNCONFIRMED_START_BYTES} and the reader calls {@link #ensure} before writing each part of the
 * data, so the array grows (doubling, capped at the declared size) only as the data actually
 * arrive: a header that lies about its size fails with {@link
 * DatasetFormatException.Kind#TOO_LITTLE_DATA} once the data run out, having allocated at most
 * about twice the data present. Either way the final array has exactly the declared size.
 */
public final class PayloadBuffers {

    /** The largest array this class allocates: the JVM's usual array size limit. */
    public static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    /** The size an array starts at when the file does not confirm the declared size. */
    public static final int UNCONFIRMED_START_BYTES = 1 << 20;

    private PayloadBuffers() {}

    /**
     * Checks a declared size and allocates the first array for it.
     *
     * @param file the file the size comes from, for the error message
     * @param declared the size the data will have, in bytes
     * @param confirmed whether the file confirms that its data hold at least that many bytes
     * @return an array of {@code declared} bytes when confirmed, otherwise of at most {@link
     *     #UNCONFIRMED_START_BYTES}
     * @throws DatasetFormatException with {@link DatasetFormatException.Kind#SIZE_OVERFLOW} if
     *     {@code declared} is negative or above {@link #MAX_ARRAY_BYTES}
     */
    public static byte[] allocate(Path file, long declared, boolean confirmed)
            throws DatasetFormatException {
        if (declared < 0 || declared > MAX_ARRAY_BYTES) {
            throw new DatasetFormatException(
                    DatasetFormatException.Kind.SIZE_OVERFLOW,
                    file,
                    "the data to hold take "
                            + declared
                            + " bytes, more than one array can hold ("
                            + MAX_ARRAY_BYTES
                            + ")");
        }
        return new byte[(int) (confirmed ? declared : Math.min(declared, UNCONFIRMED_START_BYTES))];
    }

    /**
     * Returns an array of at least {@code needed} bytes holding the contents of {@code buffer}:
     * {@code buffer} itself when it is large enough, otherwise a copy grown to twice its size (or
     * {@code needed}, if more), but never beyond {@code declared}.
     *
     * @param buffer the array allocated by {@link #allocate} or a previous call
     * @param needed the size the next write needs
     * @param declared the final size, as checked by {@link #allocate}
     * @return the array to write to
     * @throws IllegalArgumentException if {@code needed} exceeds {@code declared}
     */
    public static byte[] ensure(byte[] buffer, long needed, long declared) {
        if (needed <= buffer.length) {
            return buffer;
        }
        if (needed > declared || declared > MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException(
                    needed + " bytes needed, beyond the declared " + declared);
        }
        long grown = Math.min(declared, Math.max(needed, 2L * buffer.length));
        return Arrays.copyOf(buffer, (int) grown);
    }
}
