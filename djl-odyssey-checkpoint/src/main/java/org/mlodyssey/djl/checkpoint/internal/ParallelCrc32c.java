/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * CRC32C of many buffers at once, over all cores: every buffer is cut into chunks, the chunks of
 * all buffers are checksummed in parallel, and each buffer's chunk checksums are combined in order
 * ({@link #combine(int, int, long)}, the zlib {@code crc32_combine} algorithm for the Castagnoli
 * polynomial). The result equals {@link CRC32C} over each buffer whole.
 */
public final class ParallelCrc32c {

    /** The chunk size: large enough to amortise a task, small enough to spread one tensor. */
    public static final int CHUNK = 4 << 20;

    /** CRC32C's polynomial, bit-reversed. */
    private static final int POLYNOMIAL = 0x82F63B78;

    private ParallelCrc32c() {}

    /**
     * Returns the CRC32C of each buffer's bytes from its position to its limit, computed in
     * parallel. The buffers' positions do not move.
     *
     * @param buffers the buffers
     * @return the checksums, in the buffers' order
     */
    public static int[] of(List<ByteBuffer> buffers) {
        List<int[]> chunks = new ArrayList<>(); // {buffer index, offset, length}
        for (int i = 0; i < buffers.size(); i++) {
            int remaining = buffers.get(i).remaining();
            long offset = 0;
            do { // an empty buffer gets one empty chunk
                int length = (int) Math.min(CHUNK, remaining - offset);
                chunks.add(new int[] {i, (int) offset, length});
                offset += CHUNK;
            } while (offset < remaining);
        }
        int[] partial = new int[chunks.size()];
        IntStream.range(0, chunks.size())
                .parallel()
                .forEach(
                        c -> {
                            int[] chunk = chunks.get(c);
                            ByteBuffer view = buffers.get(chunk[0]).duplicate();
                            view.position(view.position() + chunk[1]);
                            view.limit(view.position() + chunk[2]);
                            CRC32C crc = new CRC32C();
                            crc.update(view);
                            partial[c] = (int) crc.getValue();
                        });
        int[] result = new int[buffers.size()];
        int c = 0;
        for (int i = 0; i < buffers.size(); i++) {
            int crc = partial[c];
            for (c++; c < chunks.size() && chunks.get(c)[0] == i; c++) {
                crc = combine(crc, partial[c], chunks.get(c)[2]);
            }
            result[i] = crc;
        }
        return result;
    }

    /**
     * Returns the CRC32C of one buffer's remaining bytes, computed in parallel.
     *
     * @param buffer the buffer; its position does not move
     * @return the checksum
     */
    public static int of(ByteBuffer buffer) {
        return of(List.of(buffer))[0];
    }

    /**
     * Returns the CRC32C of two byte sequences one after the other, from the CRC32C of each.
     *
     * @param crc1 the checksum of the first sequence
     * @param crc2 the checksum of the second sequence
     * @param length2 the length of the second sequence in bytes
     * @return the checksum of the concatenation
     */
    public static int combine(int crc1, int crc2, long length2) {
        if (length2 <= 0) {
            return crc1;
        }
        // The operator that appends one zero bit to a CRC, then squared to 2, 4, 8, ... zero bits
        // (zlib's crc32_combine), applied for each set bit of the length in bytes.
        int[] odd = new int[32];
        int[] even = new int[32];
        odd[0] = POLYNOMIAL;
        int row = 1;
        for (int n = 1; n < 32; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        int crc = crc1;
        long length = length2;
        do {
            square(even, odd); // one zero byte, then 4, 16, ... on later rounds
            if ((length & 1) != 0) {
                crc = times(even, crc);
            }
            length >>>= 1;
            if (length == 0) {
                break;
            }
            square(odd, even);
            if ((length & 1) != 0) {
                crc = times(odd, crc);
            }
            length >>>= 1;
        } while (length != 0);
        return crc ^ crc2;
    }

    private static int times(int[] matrix, int vector) {
        int sum = 0;
        int v = vector;
        for (int i = 0; v != 0; i++, v >>>= 1) {
            if ((v & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(int[] result, int[] matrix) {
        for (int n = 0; n < 32; n++) {
            result[n] = times(matrix, matrix[n]);
        }
    }
}
