/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A channel that passes bytes on to another one, counting them and computing their CRC32C. Closing
 * it does not close the channel it writes to.
 */
public final class ChecksummingChannel implements WritableByteChannel {

    /** The most bytes passed on in one write: small enough to stay in the processor's cache. */
    public static final int PIECE = 1 << 20;

    private final WritableByteChannel out;
    private final CRC32C crc = new CRC32C();
    private long count;
    private boolean open = true;

    /**
     * Wraps a channel.
     *
     * @param out where the bytes go
     */
    public ChecksummingChannel(WritableByteChannel out) {
        this.out = out;
    }

    /**
     * Writes bytes on, in pieces of at most {@link #PIECE} bytes, each checksummed right after it
     * is written, while it is still in the processor's cache: the bytes are read from memory once.
     *
     * @param src the bytes
     * @return the number of bytes written: all of them unless the channel below writes fewer
     * @throws IOException if the channel below fails
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int n =
                writeInPieces(
                        out,
                        src,
                        written -> {
                            count += written.remaining();
                            crc.update(written);
                        });
        return n;
    }

    /**
     * Writes bytes into a channel in pieces of at most {@link #PIECE} bytes and hands each piece,
     * once written, to an observer, while the piece is still in the processor's cache.
     *
     * @param out where the bytes go
     * @param src the bytes; its position moves past the bytes written
     * @param observer receives each written piece (a view it may consume)
     * @return the number of bytes written: all of them unless {@code out} writes fewer
     * @throws IOException if {@code out} fails
     */
    public static int writeInPieces(
            WritableByteChannel out, ByteBuffer src, Consumer<ByteBuffer> observer)
            throws IOException {
        int written = 0;
        while (src.hasRemaining()) {
            int piece = Math.min(src.remaining(), PIECE);
            ByteBuffer slice = src.duplicate();
            slice.limit(slice.position() + piece);
            ByteBuffer view = slice.duplicate();
            int n = out.write(slice);
            view.limit(view.position() + n);
            observer.accept(view);
            src.position(src.position() + n);
            written += n;
            if (n < piece) {
                break;
            }
        }
        return written;
    }

    /**
     * Returns the number of bytes written so far.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * Returns the CRC32C of the bytes written so far.
     *
     * @return the checksum
     */
    public int crc32c() {
        return (int) crc.getValue();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
