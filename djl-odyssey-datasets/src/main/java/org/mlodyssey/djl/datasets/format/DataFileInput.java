/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.format;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the payload of a dataset file, plain or gzip-compressed, and turns every way the bytes can
 * run out into a {@link DatasetFormatException} that names the file.
 *
 * <p>Gzip is recognised by its magic bytes, not by the file name. Before a reader allocates a
 * buffer from a size in a header, it checks that size against {@link #maxPayloadBytes()}: the file
 * length for a plain file, the largest size deflate can expand the compressed bytes to for a gzip
 * file. A header that claims more than that is rejected without allocating anything.
 */
public final class DataFileInput implements Closeable {

    /** The most that deflate can expand its input by (RFC 1951: 258 bytes from 2 bits). */
    public static final long MAX_DEFLATE_RATIO = 1032;

    private static final int BUFFER_SIZE = 1 << 16;

    private final Path file;
    private final boolean gzip;
    private final long fileSize;
    private final InputStream in;
    private long position;

    private DataFileInput(Path file, boolean gzip, long fileSize, InputStream in) {
        this.file = file;
        this.gzip = gzip;
        this.fileSize = fileSize;
        this.in = in;
    }

    /**
     * Opens a dataset file, decompressing it on the fly when it starts with the gzip magic bytes.
     *
     * @param file the file to read
     * @return an input positioned at the first payload byte
     * @throws IOException if the file cannot be opened, or a {@link DatasetFormatException} if its
     *     gzip header is truncated or malformed
     */
    public static DataFileInput open(Path file) throws IOException {
        long size = Files.size(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            if (!gzip) {
                return new DataFileInput(file, false, size, raw);
            }
            try {
                return new DataFileInput(file, true, size, new GZIPInputStream(raw, BUFFER_SIZE));
            } catch (EOFException | ZipException e) {
                throw new DatasetFormatException(
                        DatasetFormatException.Kind.TRUNCATED_GZIP,
                        file,
                        "the gzip header is truncated or malformed: " + e.getMessage(),
                        e);
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Returns the file this input reads.
     *
     * @return the file
     */
    public Path getFile() {
        return file;
    }

    /**
     * Returns whether the file is gzip-compressed.
     *
     * @return {@code true} for a gzip file
     */
    public boolean isGzip() {
        return gzip;
    }

    /**
     * Returns the number of payload bytes read or skipped so far.
     *
     * @return the position in the (decompressed) payload
     */
    public long position() {
        return position;
    }

    /**
     * Returns an upper bound on the payload size that the file can hold: its length when plain, its
     * length times {@link #MAX_DEFLATE_RATIO} when gzip-compressed (saturating at {@link
     * Long#MAX_VALUE}).
     *
     * @return the largest payload the file can hold, in bytes
     */
    public long maxPayloadBytes() {
        if (!gzip) {
            return fileSize;
        }
        return fileSize > Long.MAX_VALUE / MAX_DEFLATE_RATIO
                ? Long.MAX_VALUE
                : fileSize * MAX_DEFLATE_RATIO;
    }

    /**
     * Returns the exact payload size for a plain file.
     *
     * @return the file length for a plain file, or -1 for a gzip file whose payload size is not
     *     known before reading it
     */
    public long exactPayloadBytes() {
        return gzip ? -1 : fileSize;
    }

    /**
     * Reads exactly {@code len} bytes.
     *
     * @param b the destination
     * @param off the offset in the destination
     * @param len the number of bytes to read
     * @throws DatasetFormatException with {@link DatasetFormatException.Kind#TOO_LITTLE_DATA} if
     *     the payload ends first, or {@link DatasetFormatException.Kind#TRUNCATED_GZIP} if the gzip
     *     stream is cut or corrupt
     * @throws IOException if reading fails
     */
    public void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw new DatasetFormatException(
                        DatasetFormatException.Kind.TOO_LITTLE_DATA,
                        file,
                        "the data ends after "
                                + (position + done)
                                + " bytes, "
                                + (len - done)
                                + " bytes short of what the header declares");
            }
            done += n;
        }
        position += len;
    }

    /**
     * Skips exactly {@code n} payload bytes, decompressing them when the file is gzip-compressed.
     *
     * @param n the number of bytes to skip
     * @throws DatasetFormatException if the payload ends first or the gzip stream is cut
     * @throws IOException if reading fails
     */
    public void skipFully(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, BUFFER_SIZE)];
        long left = n;
        while (left > 0) {
            int chunk = (int) Math.min(left, scratch.length);
            readFully(scratch, 0, chunk);
            left -= chunk;
        }
    }

    /**
     * Checks that the payload ends here; for gzip this also reads and checks the gzip trailer.
     *
     * @throws DatasetFormatException with {@link DatasetFormatException.Kind#TOO_MUCH_DATA} if
     *     bytes follow, or {@link DatasetFormatException.Kind#TRUNCATED_GZIP} if the trailer is cut
     *     or its checksum fails
     * @throws IOException if reading fails
     */
    public void expectEnd() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        while (n == 0) {
            n = read(one, 0, 1);
        }
        if (n > 0) {
            throw new DatasetFormatException(
                    DatasetFormatException.Kind.TOO_MUCH_DATA,
                    file,
                    "the file holds data after the " + position + " bytes the header declares");
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(
                    DatasetFormatException.Kind.TRUNCATED_GZIP,
                    file,
                    "the gzip stream is truncated or corrupt after "
                            + position
                            + " payload bytes: "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws IOException {
        in.close();
    }
}
