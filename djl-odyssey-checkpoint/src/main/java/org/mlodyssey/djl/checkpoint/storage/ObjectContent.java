/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/** Writes the content of one object, from start to end, into a channel. */
@FunctionalInterface
public interface ObjectContent {

    /**
     * Writes the whole content. The channel is sequential: it has no position to seek.
     *
     * @param channel where the bytes go
     * @throws IOException if writing fails; the store then commits nothing
     */
    void writeTo(WritableByteChannel channel) throws IOException;
}
