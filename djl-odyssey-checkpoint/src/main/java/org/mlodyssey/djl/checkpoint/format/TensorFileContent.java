/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * The bytes of a plain named-tensor file (format version 1, a safetensors file), prepared by {@link
 * TensorFileWriter#plainContent} and written to any sequential channel: the 8-byte header length,
 * the header, then every tensor's data in layout order. The tensors' buffers are not copied; they
 * must not change until the content has been written.
 */
public final class TensorFileContent {

    private final byte[] header;
    private final List<ByteBuffer> data;
    private final long size;

    TensorFileContent(byte[] header, List<ByteBuffer> data) {
        this.header = header;
        this.data = List.copyOf(data);
        long total = 8L + header.length;
        for (ByteBuffer buffer : data) {
            total = Math.addExact(total, buffer.remaining());
        }
        this.size = total;
    }

    /**
     * Returns the file offset of the first tensor's data: 8 plus the header's length.
     *
     * @return the offset of the data region
     */
    public long dataStart() {
        return 8L + header.length;
    }

    /**
     * Returns the size of the whole file.
     *
     * @return the size in bytes
     */
    public long size() {
        return size;
    }

    /**
     * Writes the whole file into a channel. It may be called again to write the same bytes.
     *
     * @param channel where the bytes go, sequentially
     * @throws IOException if writing fails
     */
    public void writeTo(WritableByteChannel channel) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(0, header.length);
        TensorFileWriter.writeFully(channel, prefix);
        TensorFileWriter.writeFully(channel, ByteBuffer.wrap(header));
        for (ByteBuffer buffer : data) {
            TensorFileWriter.writeFully(channel, buffer.duplicate());
        }
    }
}
