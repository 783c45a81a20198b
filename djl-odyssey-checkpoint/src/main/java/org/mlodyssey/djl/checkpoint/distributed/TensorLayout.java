/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.util.List;
import org.mlodyssey.djl.checkpoint.format.TensorDType;

/**
 * One global tensor of a distributed checkpoint and the chunks that tile it, in the order of their
 * offsets.
 *
 * @param name the tensor's name
 * @param dtype the element type
 * @param shape the global shape (not to be changed)
 * @param chunks the chunks, covering every element exactly once
 */
public record TensorLayout(String name, TensorDType dtype, long[] shape, List<Chunk> chunks) {

    /**
     * Creates a layout.
     *
     * @param name the tensor's name
     * @param dtype the element type
     * @param shape the global shape
     * @param chunks the chunks
     */
    public TensorLayout {
        chunks = List.copyOf(chunks);
    }

    /**
     * Returns the size of the whole tensor in bytes.
     *
     * @return the element count times the dtype's size
     */
    public long byteSize() {
        return Math.multiplyExact(Slice.whole(shape).elements(), dtype.byteSize());
    }
}
