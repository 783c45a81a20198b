/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files, the format {@link IdxReader} reads: the magic number {@code 00 00 type rank},
 * one big-endian 32-bit size per dimension, then the elements (already in big-endian order for the
 * multi-byte types).
 *
 * <p>It writes only what {@link IdxReader} accepts: between 1 and 255 dimensions, each at least 1,
 * and exactly as many data bytes as the dimensions and the type call for.
 */
public final class IdxWriter {

    private IdxWriter() {}

    /**
     * Returns the bytes of an IDX file.
     *
     * @param type the element type
     * @param data the elements, {@code type.getBytes()} bytes each
     * @param dims the size of each dimension
     * @return the file's bytes
     * @throws IllegalArgumentException if the dimensions are not 1 to 255 sizes of at least 1, or
     *     the data does not hold exactly the elements they call for
     */
    public static byte[] toBytes(IdxType type, byte[] data, int... dims) {
        ByteBuffer header = header(type, data, dims);
        byte[] file = Arrays.copyOf(header.array(), header.capacity() + data.length);
        System.arraycopy(data, 0, file, header.capacity(), data.length);
        return file;
    }

    /**
     * Writes an IDX file to a stream.
     *
     * @param out the stream, left open
     * @param type the element type
     * @param data the elements, {@code type.getBytes()} bytes each
     * @param dims the size of each dimension
     * @throws IllegalArgumentException if the dimensions are not 1 to 255 sizes of at least 1, or
     *     the data does not hold exactly the elements they call for
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, IdxType type, byte[] data, int... dims)
            throws IOException {
        out.write(header(type, data, dims).array());
        out.write(data);
    }

    /**
     * Writes an IDX file, gzip-compressed or not, atomically: into a temporary file beside it, then
     * one rename that replaces any file of that name.
     *
     * @param file the file to write
     * @param gzip whether to gzip-compress it
     * @param type the element type
     * @param data the elements, {@code type.getBytes()} bytes each
     * @param dims the size of each dimension
     * @throws IllegalArgumentException if the dimensions are not 1 to 255 sizes of at least 1, or
     *     the data does not hold exactly the elements they call for
     * @throws IOException if writing fails
     */
    public static void writeFile(Path file, boolean gzip, IdxType type, byte[] data, int... dims)
            throws IOException {
        header(type, data, dims);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
                write(out, type, data, dims);
            }
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ByteBuffer header(IdxType type, byte[] data, int... dims) {
        if (dims.length < 1 || dims.length > 255) {
            throw new IllegalArgumentException(
                    "an IDX file has 1 to 255 dimensions, not " + dims.length);
        }
        long bytes = type.getBytes();
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException(
                        "IDX dimensions must be at least 1: " + Arrays.toString(dims));
            }
            // exact while it could be an array's length; past that it only has to stay too large
            bytes = bytes > Integer.MAX_VALUE ? bytes : bytes * d;
        }
        if (bytes != data.length) {
            throw new IllegalArgumentException(
                    "dimensions "
                            + Arrays.toString(dims)
                            + " of "
                            + type
                            + " call for "
                            + (bytes > Integer.MAX_VALUE ? "more than any array's" : bytes)
                            + " bytes, the data has "
                            + data.length);
        }
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) type.getCode()).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        return header;
    }
}
