/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;
import org.mlodyssey.djl.datasets.internal.DataFileInput;
import org.mlodyssey.djl.datasets.internal.PayloadBuffers;

/**
 * Reads an IDX file (the MNIST/EMNIST format), plain or gzip-compressed, row by row, after
 * validating its header completely.
 *
 * <p>The format: a magic number {@code 00 00 <type code> <dimension count>}, then one big-endian
 * unsigned 32-bit size per dimension, then the elements in row-major order. {@link #open} checks
 * the magic bytes, that the type code and dimension count are the expected ones, that every
 * dimension is between 1 and {@link Integer#MAX_VALUE}, that the sizes do not overflow, and that
 * the file can hold the data the header declares, all before anything is allocated from a header
 * size; {@link #isSizeConfirmed()} says whether the file confirms the declared size exactly, and
 * {@link #readAll} allocates its array up front only then (otherwise it grows the array as the data
 * arrive). Reading then fails with {@link Kind#TOO_LITTLE_DATA} if the data ends early, and {@link
 * #expectEnd()} fails with {@link Kind#TOO_MUCH_DATA} if data follows the declared end.
 *
 * <p>A "row" is one entry along the first dimension (one image of an image file, one label of a
 * label file).
 */
public final class IdxReader implements Closeable {

    /** The largest array this reader will allocate in {@link #readAll}. */
    public static final int MAX_ARRAY_BYTES = PayloadBuffers.MAX_ARRAY_BYTES;

    /** How many bytes {@link #readAll} reads at a time when the file does not confirm its size. */
    private static final int UNCONFIRMED_READ_BYTES = 1 << 20;

    private final DataFileInput input;
    private final IdxType type;
    private final int[] dimensions;
    private final int rowBytes;
    private final long payloadBytes;
    private final boolean sizeConfirmed;
    private long rowsConsumed;

    private IdxReader(
            DataFileInput input,
            IdxType type,
            int[] dimensions,
            int rowBytes,
            long payloadBytes,
            boolean sizeConfirmed) {
        this.input = input;
        this.type = type;
        this.dimensions = dimensions;
        this.rowBytes = rowBytes;
        this.payloadBytes = payloadBytes;
        this.sizeConfirmed = sizeConfirmed;
    }

    /**
     * Opens an IDX file and validates its header.
     *
     * @param file the file, plain or gzip-compressed
     * @param expectedType the element type the caller needs
     * @param expectedDimensions the number of dimensions the caller needs
     * @return a reader positioned at the first row
     * @throws DatasetFormatException if the header is malformed or disagrees with the file size
     * @throws IOException if the file cannot be read
     */
    public static IdxReader open(Path file, IdxType expectedType, int expectedDimensions)
            throws IOException {
        return open(file, expectedType, expectedDimensions, Integer.MAX_VALUE);
    }

    /**
     * Opens an IDX file and validates its header, with a budget on its rows: a dataset passes the
     * number of rows its official file has, so that a header claiming more fails before anything is
     * allocated or decompressed, however well the file backs the claim.
     *
     * @param file the file, plain or gzip-compressed
     * @param expectedType the element type the caller needs
     * @param expectedDimensions the number of dimensions the caller needs
     * @param maxRows the most rows (first dimension) accepted
     * @return a reader positioned at the first row
     * @throws DatasetFormatException with {@link Kind#BAD_DIMENSION} if the header declares more
     *     rows, or if it is malformed in any other way
     * @throws IOException if the file cannot be read
     */
    public static IdxReader open(
            Path file, IdxType expectedType, int expectedDimensions, int maxRows)
            throws IOException {
        DataFileInput input = DataFileInput.open(file);
        try {
            IdxReader reader = readHeader(input, expectedType, expectedDimensions);
            if (reader.getRowCount() > maxRows) {
                throw new DatasetFormatException(
                        Kind.BAD_DIMENSION,
                        file,
                        "the header declares "
                                + reader.getRowCount()
                                + " rows, more than the "
                                + maxRows
                                + " of the official file");
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
        }
    }

    private static IdxReader readHeader(
            DataFileInput input, IdxType expectedType, int expectedDimensions) throws IOException {
        Path file = input.getFile();
        byte[] magic = new byte[4];
        readHeaderBytes(input, magic);
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DatasetFormatException(
                    Kind.BAD_MAGIC,
                    file,
                    String.format(
                            "an IDX file starts with 00 00, this one with %02x %02x",
                            magic[0] & 0xff, magic[1] & 0xff));
        }
        int code = magic[2] & 0xff;
        IdxType type = IdxType.fromCode(code);
        if (type == null) {
            throw new DatasetFormatException(
                    Kind.WRONG_TYPE_CODE,
                    file,
                    String.format("unknown IDX type code 0x%02x", code));
        }
        if (type != expectedType) {
            throw new DatasetFormatException(
                    Kind.WRONG_TYPE_CODE,
                    file,
                    String.format(
                            "expected type code 0x%02x (%s), found 0x%02x (%s)",
                            expectedType.getCode(), expectedType, code, type));
        }
        int ndim = magic[3] & 0xff;
        if (ndim != expectedDimensions) {
            throw new DatasetFormatException(
                    Kind.WRONG_DIMENSION_COUNT,
                    file,
                    "expected " + expectedDimensions + " dimensions, the header declares " + ndim);
        }
        byte[] dimBytes = new byte[4 * ndim];
        readHeaderBytes(input, dimBytes);
        int[] dims = new int[ndim];
        long payload = type.getBytes();
        long row = type.getBytes();
        for (int i = 0; i < ndim; i++) {
            long d =
                    ((dimBytes[4 * i] & 0xffL) << 24)
                            | ((dimBytes[4 * i + 1] & 0xffL) << 16)
                            | ((dimBytes[4 * i + 2] & 0xffL) << 8)
                            | (dimBytes[4 * i + 3] & 0xffL);
            if (d < 1 || d > Integer.MAX_VALUE) {
                throw new DatasetFormatException(
                        Kind.BAD_DIMENSION,
                        file,
                        "dimension " + i + " is " + d + ", it must be between 1 and 2^31-1");
            }
            dims[i] = (int) d;
            try {
                payload = Math.multiplyExact(payload, d);
                if (i > 0) {
                    row = Math.multiplyExact(row, d);
                }
            } catch (ArithmeticException e) {
                throw new DatasetFormatException(
                        Kind.SIZE_OVERFLOW,
                        file,
                        "the dimensions " + Arrays.toString(dims) + "... overflow a 64-bit size",
                        e);
            }
        }
        if (row > MAX_ARRAY_BYTES) {
            throw new DatasetFormatException(
                    Kind.SIZE_OVERFLOW,
                    file,
                    "one row holds "
                            + row
                            + " bytes, more than the "
                            + MAX_ARRAY_BYTES
                            + " allowed");
        }
        long header = 4L + dimBytes.length;
        long max = input.maxPayloadBytes() - header;
        if (payload > max) {
            throw new DatasetFormatException(
                    Kind.TOO_LITTLE_DATA,
                    file,
                    "the header declares "
                            + Arrays.toString(dims)
                            + " ("
                            + payload
                            + " data bytes) but the file can hold at most "
                            + max);
        }
        long exact = input.exactPayloadBytes();
        if (exact >= 0 && payload < exact - header) {
            throw new DatasetFormatException(
                    Kind.TOO_MUCH_DATA,
                    file,
                    "the header declares "
                            + Arrays.toString(dims)
                            + " ("
                            + payload
                            + " data bytes) but the file holds "
                            + (exact - header));
        }
        // payload <= max, so header + payload cannot overflow
        boolean confirmed = input.confirmsPayloadBytes(header + payload);
        return new IdxReader(input, type, dims, (int) row, payload, confirmed);
    }

    private static void readHeaderBytes(DataFileInput input, byte[] b) throws IOException {
        try {
            input.readFully(b, 0, b.length);
        } catch (DatasetFormatException e) {
            if (e.getKind() != Kind.TOO_LITTLE_DATA) {
                throw e;
            }
            throw new DatasetFormatException(
                    Kind.TOO_LITTLE_DATA,
                    input.getFile(),
                    "the file ends inside the IDX header",
                    e);
        }
    }

    /**
     * Reads a whole IDX file into one array.
     *
     * @param file the file, plain or gzip-compressed
     * @param expectedType the element type the caller needs
     * @param expectedDimensions the number of dimensions the caller needs
     * @return the dimensions and the raw (big-endian) element bytes
     * @throws DatasetFormatException if the file is malformed in any way
     * @throws IOException if the file cannot be read
     */
    public static IdxArray readAll(Path file, IdxType expectedType, int expectedDimensions)
            throws IOException {
        return readAll(file, expectedType, expectedDimensions, Integer.MAX_VALUE);
    }

    /**
     * Reads a whole IDX file into one array, with a budget on its rows (see {@link #open(Path,
     * IdxType, int, int)}).
     *
     * @param file the file, plain or gzip-compressed
     * @param expectedType the element type the caller needs
     * @param expectedDimensions the number of dimensions the caller needs
     * @param maxRows the most rows (first dimension) accepted
     * @return the dimensions and the raw (big-endian) element bytes
     * @throws DatasetFormatException if the file is malformed in any way or declares too many rows
     * @throws IOException if the file cannot be read
     */
    public static IdxArray readAll(
            Path file, IdxType expectedType, int expectedDimensions, int maxRows)
            throws IOException {
        try (IdxReader reader = open(file, expectedType, expectedDimensions, maxRows)) {
            long total = reader.payloadBytes;
            byte[] data = PayloadBuffers.allocate(file, total, reader.sizeConfirmed);
            int rowBytes = reader.rowBytes;
            int rows = reader.getRowCount();
            int step = reader.sizeConfirmed ? rows : Math.max(1, UNCONFIRMED_READ_BYTES / rowBytes);
            for (int done = 0; done < rows; ) {
                int n = Math.min(step, rows - done);
                // done * rowBytes + n * rowBytes <= total <= MAX_ARRAY_BYTES: no overflow
                long end = (long) (done + n) * rowBytes;
                data = PayloadBuffers.ensure(data, end, total);
                reader.readRows(data, done * rowBytes, n);
                done += n;
            }
            reader.expectEnd();
            return new IdxArray(file, reader.type, reader.getDimensions(), data);
        }
    }

    /**
     * Returns whether the file confirms the data size the header declares (see {@link
     * DataFileInput#confirmsPayloadBytes}). When it does not, a caller must not allocate a buffer
     * for all rows up front, but grow it as rows are read (see {@link PayloadBuffers}).
     *
     * @return {@code true} if a buffer for all rows may be allocated before reading them
     */
    public boolean isSizeConfirmed() {
        return sizeConfirmed;
    }

    /**
     * Returns the element type.
     *
     * @return the type declared by the header
     */
    public IdxType getType() {
        return type;
    }

    /**
     * Returns the dimensions declared by the header.
     *
     * @return a copy of the dimensions, the first being the number of rows
     */
    public int[] getDimensions() {
        return dimensions.clone();
    }

    /**
     * Returns the number of rows (the first dimension).
     *
     * @return the number of rows
     */
    public int getRowCount() {
        return dimensions[0];
    }

    /**
     * Returns the number of bytes in one row.
     *
     * @return the product of all dimensions but the first, times the element size
     */
    public int getRowBytes() {
        return rowBytes;
    }

    /**
     * Returns the file this reader reads.
     *
     * @return the file
     */
    public Path getFile() {
        return input.getFile();
    }

    /**
     * Reads the next rows.
     *
     * @param dest the destination array
     * @param offset the offset in the destination
     * @param rows the number of rows to read
     * @throws DatasetFormatException if the data ends early or the gzip stream is cut
     * @throws IOException if reading fails
     */
    public void readRows(byte[] dest, int offset, int rows) throws IOException {
        checkRows(rows);
        input.readFully(dest, offset, Math.multiplyExact(rows, rowBytes));
        rowsConsumed += rows;
    }

    /**
     * Skips the next rows.
     *
     * @param rows the number of rows to skip
     * @throws DatasetFormatException if the data ends early or the gzip stream is cut
     * @throws IOException if reading fails
     */
    public void skipRows(long rows) throws IOException {
        checkRows(rows);
        input.skipFully(Math.multiplyExact(rows, (long) rowBytes));
        rowsConsumed += rows;
    }

    private void checkRows(long rows) {
        if (rows < 0 || rowsConsumed + rows > dimensions[0]) {
            throw new IllegalArgumentException(
                    "cannot consume "
                            + rows
                            + " rows: "
                            + rowsConsumed
                            + " of "
                            + dimensions[0]
                            + " are consumed already");
        }
    }

    /**
     * Checks that the file ends after the last row (reading any rows not read yet).
     *
     * @throws DatasetFormatException if data follows the declared end, or the data or the gzip
     *     stream ends early
     * @throws IOException if reading fails
     */
    public void expectEnd() throws IOException {
        skipRows(dimensions[0] - rowsConsumed);
        input.expectEnd();
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws IOException {
        input.close();
    }
}
