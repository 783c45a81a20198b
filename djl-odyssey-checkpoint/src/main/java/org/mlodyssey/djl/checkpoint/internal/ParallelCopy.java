/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Copies many buffers at once over all cores: every copy is cut into chunks, and the chunks of all
 * copies run in parallel (one thread does not reach the memory bandwidth, and the first touch of
 * fresh memory costs page faults that spread over the cores too).
 */
public final class ParallelCopy {

    private ParallelCopy() {}

    /**
     * Copies each source's remaining bytes to the matching target from its position. Neither
     * buffer's position moves.
     *
     * @param sources the buffers to copy from
     * @param targets the buffers to copy to, each with room for its source's bytes
     * @throws IllegalArgumentException if the lists differ in size or a target is too small
     */
    public static void copy(List<ByteBuffer> sources, List<ByteBuffer> targets) {
        if (sources.size() != targets.size()) {
            throw new IllegalArgumentException(
                    sources.size() + " sources for " + targets.size() + " targets");
        }
        List<int[]> chunks = new ArrayList<>(); // {buffer index, offset, length}
        for (int i = 0; i < sources.size(); i++) {
            int size = sources.get(i).remaining();
            if (targets.get(i).remaining() < size) {
                throw new IllegalArgumentException(
                        "target "
                                + i
                                + " has room for "
                                + targets.get(i).remaining()
                                + " bytes, its source holds "
                                + size);
            }
            for (long offset = 0; offset < size; offset += ParallelCrc32c.CHUNK) {
                chunks.add(
                        new int[] {
                            i, (int) offset, (int) Math.min(ParallelCrc32c.CHUNK, size - offset)
                        });
            }
        }
        IntStream.range(0, chunks.size())
                .parallel()
                .forEach(
                        c -> {
                            int[] chunk = chunks.get(c);
                            ByteBuffer source = sources.get(chunk[0]);
                            ByteBuffer target = targets.get(chunk[0]);
                            target.slice(target.position() + chunk[1], chunk[2])
                                    .put(source.slice(source.position() + chunk[1], chunk[2]));
                        });
    }
}
