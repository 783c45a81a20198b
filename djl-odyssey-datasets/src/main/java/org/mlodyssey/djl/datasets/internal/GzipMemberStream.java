/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;

/**
 * Decompresses a gzip file (RFC 1952), member after member, checking each member's CRC-32 and
 * length, and refusing whatever follows the last member unless it is another member: unlike {@link
 * java.util.zip.GZIPInputStream}, which stops silently at bytes that are not a gzip header, a file
 * with garbage after its data fails with {@link Kind#TOO_MUCH_DATA}.
 */
final class GzipMemberStream extends InputStream {

    private static final int BUFFER = 1 << 16;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xe0;

    private final PushbackInputStream in;
    private final Path file;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buffer = new byte[BUFFER];
    private int buffered;
    private long memberBytes;
    private long compressedOffset;
    private boolean ended;

    /**
     * Reads the first member's header.
     *
     * @param raw the compressed bytes, from the start of the file
     * @param file the file, for messages
     * @throws DatasetFormatException with {@link Kind#TRUNCATED_GZIP} if the header is cut or
     *     malformed
     * @throws IOException if reading fails
     */
    public GzipMemberStream(InputStream raw, Path file) throws IOException {
        this.in = new PushbackInputStream(raw, BUFFER);
        this.file = file;
        readHeader();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw corrupt("the deflate data are corrupt (" + e.getMessage() + ")");
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.finished()) {
                int remaining = inflater.getRemaining();
                if (remaining > 0) {
                    in.unread(buffer, buffered - remaining, remaining);
                    compressedOffset -= remaining;
                }
                readTrailer();
                int next = in.read();
                if (next < 0) {
                    ended = true;
                    return -1;
                }
                in.unread(next);
                inflater.reset();
                crc.reset();
                memberBytes = 0;
                if (!readHeader()) {
                    throw new DatasetFormatException(
                            Kind.TOO_MUCH_DATA,
                            file,
                            "the file holds bytes after the end of its gzip data, at compressed"
                                    + " offset "
                                    + compressedOffset
                                    + ", that are not another gzip member");
                }
                continue;
            }
            if (inflater.needsDictionary()) {
                throw corrupt("the deflate data ask for a preset dictionary");
            }
            if (inflater.needsInput()) {
                buffered = in.read(buffer);
                if (buffered < 0) {
                    throw corrupt("the gzip data end before the end of the deflate stream");
                }
                compressedOffset += buffered;
                inflater.setInput(buffer, 0, buffered);
            }
        }
    }

    /**
     * Reads a member header.
     *
     * @return false if the next two bytes are not the gzip magic bytes (they are consumed), true
     *     after a whole valid header
     */
    private boolean readHeader() throws IOException {
        int id1 = in.read();
        int id2 = in.read();
        compressedOffset += 2;
        if (id1 != 0x1f || id2 != 0x8b) {
            if (compressedOffset == 2) {
                throw corrupt("the file does not start with the gzip magic bytes");
            }
            return false;
        }
        if (readByte() != 8) {
            throw corrupt("the compression method is not deflate");
        }
        int flags = readByte();
        if ((flags & RESERVED) != 0) {
            throw corrupt("reserved header flags are set");
        }
        for (int i = 0; i < 6; i++) {
            readByte(); // MTIME, XFL, OS
        }
        if ((flags & FEXTRA) != 0) {
            int length = readByte() | (readByte() << 8);
            for (int i = 0; i < length; i++) {
                readByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (readByte() != 0) {
                // the original file name, not used
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (readByte() != 0) {
                // a comment, not used
            }
        }
        if ((flags & FHCRC) != 0) {
            readByte();
            readByte();
        }
        return true;
    }

    private void readTrailer() throws IOException {
        long storedCrc = readInt();
        long storedSize = readInt();
        if (storedCrc != crc.getValue()) {
            throw corrupt(
                    String.format(
                            "a gzip member's CRC-32 is %08x, its trailer says %08x",
                            crc.getValue(), storedCrc));
        }
        if (storedSize != (memberBytes & 0xffffffffL)) {
            throw corrupt(
                    "a gzip member holds "
                            + memberBytes
                            + " bytes, its trailer says "
                            + storedSize
                            + " (modulo 2^32)");
        }
    }

    private long readInt() throws IOException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (long) readByte() << (8 * i);
        }
        return value;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw corrupt("the gzip data end inside a member header or trailer");
        }
        compressedOffset++;
        return b;
    }

    private DatasetFormatException corrupt(String detail) {
        return new DatasetFormatException(
                Kind.TRUNCATED_GZIP,
                file,
                "the gzip stream is truncated or corrupt after "
                        + compressedOffset
                        + " compressed bytes: "
                        + detail);
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
