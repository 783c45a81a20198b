/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Positional reads of one stored object. Safe for concurrent reads from several threads. */
public interface ObjectReader extends Closeable {

    /**
     * Returns the object's size.
     *
     * @return the size in bytes
     */
    long size();

    /**
     * Returns the least number of bytes a read should ask for where the caller is free to choose: a
     * caller reading a large region in pieces makes each piece at least this large. A store where
     * every read is a request (a bucket) answers the bytes it fetches in parallel at once; a local
     * file has no preference.
     *
     * @return the preferred least read size in bytes, or 0 for no preference
     */
    default int preferredReadSize() {
        return 0;
    }

    /**
     * Reads bytes at a position into a buffer, as many as fit and are there.
     *
     * @param dst receives the bytes from its position; its position advances
     * @param position the offset in the object
     * @return the number of bytes read, or -1 at or past the end of the object
     * @throws IOException if reading fails
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * Fills a buffer from a position. A store may split a large read into parallel requests.
     *
     * @param dst receives {@code dst.remaining()} bytes; its position advances to its limit
     * @param position the offset in the object
     * @throws EOFException if the object ends first
     * @throws IOException if reading fails
     */
    default void readFully(ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = read(dst, at);
            if (n < 0) {
                throw new EOFException(
                        "The object ends at " + at + ", " + dst.remaining() + " bytes short");
            }
            at += n;
        }
    }
}
