/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * Reads the payload of a dataset file, plain or gzip-compressed, and turns every way the bytes can
 * run out into a {@link DatasetFormatException} that names the file.
 *
 * <p>Gzip is recognised by its magic bytes, not by the file name. Before a reader allocates a
 * buffer from a size in a header, it checks that size in two steps. {@link #maxPayloadBytes()} is a
 * hard bound: the file length for a plain file, the largest size deflate can expand the compressed
 * bytes to for a gzip file; a header that claims more is rejected. {@link
 * #confirmsPayloadBytes(long)} then says whether the file confirms the claimed size exactly: the
 * length of a plain file, the ISIZE field of the gzip trailer (the uncompressed size modulo 2^32,
 * exact for a single-member gzip file under 4 GiB). Only a confirmed size may be allocated up
 * front; otherwise (a multi-member or larger gzip file, or a header or trailer that lies) a reader
 * grows its buffer as the data actually arrive (see {@link PayloadBuffers}), so it never holds much
 * more memory than the data present in the file.
 */
public final class DataFileInput implements Closeable {

    /** The most that deflate can expand its input by (RFC 1951: 258 bytes from 2 bits). */
    public static final long MAX_DEFLATE_RATIO = 1032;

    /**
     * The largest compression ratio for which a gzip trailer's size is trusted for allocating up
     * front: 64 (real dataset files compress 2 to 6 times). The trailer is only checked at the end
     * of the stream, so a forged one could otherwise make a 2 MB file allocate what its header
     * claims; a file that compresses better is still read, its buffer growing as the data arrive.
     */
    public static final long TRUSTED_RATIO = 64;

    private static final int BUFFER_SIZE = 1 << 16;

    /** The smallest gzip file: a 10-byte header, an empty deflate block, an 8-byte trailer. */
    private static final int MIN_GZIP_BYTES = 20;

    private final Path file;
    private final boolean gzip;
    private final long fileSize;
    private final long trailerSize;
    private final InputStream in;
    private long position;

    private DataFileInput(
            Path file, boolean gzip, long fileSize, long trailerSize, InputStream in) {
        this.file = file;
        this.gzip = gzip;
        this.fileSize = fileSize;
        this.trailerSize = trailerSize;
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
        long size;
        try {
            size = BoundedFiles.requireRegularFile(file).size();
        } catch (BoundedReadException e) {
            throw DatasetFormatException.from(e, DatasetFormatException.Kind.NOT_A_REGULAR_FILE);
        }
        InputStream raw =
                new BufferedInputStream(
                        Channels.newInputStream(BoundedFiles.openRegular(file)), BUFFER_SIZE);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            if (!gzip) {
                return new DataFileInput(file, false, size, -1, raw);
            }
            long isize = readTrailerSize(file, size);
            return new DataFileInput(file, true, size, isize, new GzipMemberStream(raw, file));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Reads the lines of a small text file (a mapping or class-name file) with {@link
     * BoundedFiles}: a regular file of at most {@code maxBytes} bytes of strict UTF-8.
     *
     * @param file the file
     * @param maxBytes the largest size accepted
     * @return the lines, without line terminators
     * @throws DatasetFormatException with {@link DatasetFormatException.Kind#NOT_A_REGULAR_FILE},
     *     or {@link DatasetFormatException.Kind#BAD_CLASS_NAMES} for a file too large or not UTF-8
     *     (naming the offset of the first bad byte)
     * @throws IOException if the file does not exist or cannot be read
     */
    public static List<String> readTextLines(Path file, int maxBytes) throws IOException {
        try {
            return BoundedFiles.readUtf8(file, maxBytes).lines().collect(Collectors.toList());
        } catch (BoundedReadException e) {
            throw DatasetFormatException.from(e, DatasetFormatException.Kind.BAD_CLASS_NAMES);
        }
    }

    /**
     * Reads the ISIZE field of a gzip file: the last 4 bytes, little-endian, unsigned.
     *
     * @return the field, or -1 if the file is too short to hold a trailer
     */
    private static long readTrailerSize(Path file, long size) throws IOException {
        if (size < MIN_GZIP_BYTES) {
            return -1;
        }
        ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            channel.position(size - 4);
            while (trailer.hasRemaining()) {
                if (channel.read(trailer) < 0) {
                    return -1;
                }
            }
        }
        return trailer.getInt(0) & 0xffffffffL;
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
     * Returns whether the file confirms that its payload holds exactly {@code bytes} bytes, so that
     * a buffer of that size may be allocated before reading.
     *
     * <p>For a plain file: whether {@code bytes} is the file length. For a gzip file: whether
     * {@code bytes} is below 4 GiB, at most {@link #TRUSTED_RATIO} times the file length, and equal
     * to the ISIZE field of the gzip trailer (the uncompressed size modulo 2^32, exact for a
     * single-member file). A {@code false} answer does not mean the file is malformed (a
     * multi-member gzip file's trailer gives only its last member's size; a file over 4 GiB wraps
     * it), only that the reader must not trust the size before the data arrive. A trailer is only
     * checked against the data (by {@link GzipMemberStream}) at the end of the stream, so a crafted
     * file can forge a matching one; the bound {@link #maxPayloadBytes()} still holds then.
     *
     * @param bytes the payload size a header claims, header included
     * @return {@code true} if the file confirms the size
     */
    public boolean confirmsPayloadBytes(long bytes) {
        if (!gzip) {
            return bytes == fileSize;
        }
        return bytes >= 0
                && bytes < 1L << 32
                && bytes / TRUSTED_RATIO <= fileSize
                && bytes == trailerSize;
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

    /**
     * Returns the rest of the payload as a stream, for a reader of a format of its own (a tar
     * archive). Reading it advances {@link #position()}; it ends where the payload ends, and a cut
     * or corrupt gzip stream fails it with {@link DatasetFormatException.Kind#TRUNCATED_GZIP}.
     * Closing it closes this input.
     *
     * @return the payload stream
     */
    public InputStream asStream() {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    position++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    position += n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                position += skipped;
                return skipped;
            }
        };
    }

    private int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws IOException {
        in.close();
    }
}
