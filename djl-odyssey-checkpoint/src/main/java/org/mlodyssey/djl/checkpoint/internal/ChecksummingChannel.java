/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * A channel that passes bytes on to another one, counting them and computing their CRC32C. Closing
 * it does not close the channel it writes to.
 */
public final class ChecksummingChannel implements WritableByteChannel {

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

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer view = src.duplicate();
        int n = out.write(src);
        view.limit(view.position() + n);
        crc.update(view);
        count += n;
        return n;
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
