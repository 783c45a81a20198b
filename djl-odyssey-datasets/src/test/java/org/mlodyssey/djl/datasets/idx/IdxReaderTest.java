/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.gzip;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.idx;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.idxU8;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.write;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;

/** One test per way an IDX file can be malformed, plus round trips. */
class IdxReaderTest {

    @TempDir Path dir;

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    private Kind readFails(byte[] fileBytes, IdxType type, int ndim) {
        Path file = write(dir.resolve("bad.idx"), fileBytes);
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class, () -> IdxReader.readAll(file, type, ndim));
        assertEquals(file, e.getFile());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e.getKind();
    }

    @Test
    void readsPlainAndGzipRoundTrip() throws Exception {
        byte[] data = ramp(5 * 4 * 3);
        byte[] file = idxU8(data, 5, 4, 3);
        for (Path p :
                new Path[] {
                    write(dir.resolve("a.idx"), file), write(dir.resolve("a.idx.gz"), gzip(file))
                }) {
            IdxArray array = IdxReader.readAll(p, IdxType.UNSIGNED_BYTE, 3);
            assertArrayEquals(new int[] {5, 4, 3}, array.getDimensions());
            assertArrayEquals(data, array.getData());
            assertEquals(IdxType.UNSIGNED_BYTE, array.getType());
        }
    }

    @Test
    void readsAndSkipsRows() throws Exception {
        byte[] data = ramp(6 * 4);
        Path p = write(dir.resolve("rows.gz"), gzip(idxU8(data, 6, 2, 2)));
        try (IdxReader reader = IdxReader.open(p, IdxType.UNSIGNED_BYTE, 3)) {
            assertEquals(6, reader.getRowCount());
            assertEquals(4, reader.getRowBytes());
            byte[] row = new byte[8];
            reader.skipRows(2);
            reader.readRows(row, 0, 2);
            assertArrayEquals(Arrays.copyOfRange(data, 8, 16), row);
            reader.expectEnd();
        }
    }

    @Test
    void badMagic() {
        byte[] f = idxU8(ramp(4), 4);
        f[1] = 1;
        assertEquals(Kind.BAD_MAGIC, readFails(f, IdxType.UNSIGNED_BYTE, 1));
    }

    @Test
    void unknownTypeCode() {
        assertEquals(
                Kind.WRONG_TYPE_CODE,
                readFails(idx(0x07, new long[] {4}, ramp(4)), IdxType.UNSIGNED_BYTE, 1));
    }

    @Test
    void typeCodeOtherThanExpected() {
        assertEquals(
                Kind.WRONG_TYPE_CODE,
                readFails(idx(0x0C, new long[] {1}, ramp(4)), IdxType.UNSIGNED_BYTE, 1));
    }

    @Test
    void wrongDimensionCount() {
        assertEquals(
                Kind.WRONG_DIMENSION_COUNT,
                readFails(idxU8(ramp(16), 4, 4), IdxType.UNSIGNED_BYTE, 3));
    }

    @Test
    void zeroDimension() {
        assertEquals(
                Kind.BAD_DIMENSION, readFails(idxU8(new byte[0], 0, 4), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void dimensionAbove2To31() {
        assertEquals(
                Kind.BAD_DIMENSION,
                readFails(idxU8(ramp(4), 0x8000_0000L, 1), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void dimensionsOverflow() {
        long max = Integer.MAX_VALUE;
        assertEquals(
                Kind.SIZE_OVERFLOW,
                readFails(idxU8(ramp(8), max, max, max), IdxType.UNSIGNED_BYTE, 3));
    }

    @Test
    void fileEndsInsideHeader() {
        assertEquals(
                Kind.TOO_LITTLE_DATA,
                readFails(new byte[] {0, 0, 8, 3, 0, 0}, IdxType.UNSIGNED_BYTE, 3));
    }

    @Test
    void plainFileShorterThanDims() {
        assertEquals(
                Kind.TOO_LITTLE_DATA, readFails(idxU8(ramp(20), 10, 4), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void plainFileLongerThanDims() {
        assertEquals(
                Kind.TOO_MUCH_DATA, readFails(idxU8(ramp(50), 10, 4), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void gzipPayloadShorterThanDims() {
        assertEquals(
                Kind.TOO_LITTLE_DATA,
                readFails(gzip(idxU8(ramp(30), 10, 4)), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void gzipPayloadLongerThanDims() {
        assertEquals(
                Kind.TOO_MUCH_DATA,
                readFails(gzip(idxU8(ramp(50), 10, 4)), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void lyingHeaderIsRejectedBeforeAllocating() {
        // Claims 2^31-1 images of 28x28 (1.7 TB) in a file of a few dozen bytes: rejected from the
        // deflate ratio bound, before any allocation (an allocation would be an OutOfMemoryError).
        byte[] f = gzip(idxU8(ramp(16), Integer.MAX_VALUE, 28, 28));
        assertEquals(Kind.TOO_LITTLE_DATA, readFails(f, IdxType.UNSIGNED_BYTE, 3));
        byte[] plain = idxU8(ramp(16), 60_000, 28, 28);
        assertEquals(Kind.TOO_LITTLE_DATA, readFails(plain, IdxType.UNSIGNED_BYTE, 3));
    }

    @Test
    void truncatedGzip() {
        byte[] gz = gzip(idxU8(ramp(4000), 1000, 4));
        assertEquals(
                Kind.TRUNCATED_GZIP,
                readFails(Arrays.copyOf(gz, gz.length / 2), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void gzipMissingTrailer() {
        byte[] gz = gzip(idxU8(ramp(40), 10, 4));
        assertEquals(
                Kind.TRUNCATED_GZIP,
                readFails(Arrays.copyOf(gz, gz.length - 6), IdxType.UNSIGNED_BYTE, 2));
    }

    @Test
    void gzipWithCorruptCrc() {
        byte[] gz = gzip(idxU8(ramp(40), 10, 4));
        gz[gz.length - 8] ^= 0x55;
        assertEquals(Kind.TRUNCATED_GZIP, readFails(gz, IdxType.UNSIGNED_BYTE, 2));
    }

    /** The bytes the current thread has allocated on the heap so far. */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(5).nextBytes(b);
        return b;
    }

    @Test
    void gzipWhoseTrailerDisagreesWithAHugeClaimAllocatesOnlyWhatArrives() {
        // 1.6 MB of incompressible data claiming 1.5 GB: within the deflate ratio bound (1.6 MB x
        // 1032), but the trailer's ISIZE (1.6 MB) does not confirm the claim, so the array grows
        // only as data arrive and the read fails after a few MB, not after a 1.5 GB allocation.
        byte[] gz = gzip(idxU8(random(1_600_000), 1_500_000_000L));
        Path file = write(dir.resolve("huge.idx.gz"), gz);
        assertEquals(Kind.TOO_LITTLE_DATA, readFailsWithinBytes(file, 64L << 20).getKind());
    }

    /** Reads a file whole, asserting it fails naming it after allocating less than a bound. */
    private static DatasetFormatException readFailsWithinBytes(Path file, long bound) {
        long before = allocatedBytes();
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () -> IdxReader.readAll(file, IdxType.UNSIGNED_BYTE, 1));
        long allocated = allocatedBytes() - before;
        assertEquals(file, e.getFile());
        assertTrue(allocated < bound, "allocated " + allocated + " bytes");
        return e;
    }

    @Test
    void multiMemberGzipIsReadByGrowingTheArray() throws Exception {
        // a valid file whose trailer gives only the last member's size: read all the same
        byte[] data = ramp(3 * (1 << 20) + 17);
        byte[] file = idxU8(data, data.length);
        byte[] first = gzip(Arrays.copyOf(file, 1000));
        byte[] second = gzip(Arrays.copyOfRange(file, 1000, file.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Path p = write(dir.resolve("multi.idx.gz"), both);
        try (IdxReader reader = IdxReader.open(p, IdxType.UNSIGNED_BYTE, 1)) {
            assertFalse(reader.isSizeConfirmed());
        }
        assertArrayEquals(data, IdxReader.readAll(p, IdxType.UNSIGNED_BYTE, 1).getData());
        // a single member confirms its size when it compresses like real data (not like a ramp)
        byte[] noise = random(3 << 20);
        Path single = write(dir.resolve("single.idx.gz"), gzip(idxU8(noise, noise.length)));
        try (IdxReader reader = IdxReader.open(single, IdxType.UNSIGNED_BYTE, 1)) {
            assertTrue(reader.isSizeConfirmed());
        }
    }

    @Test
    void aForgedGzipTrailerDoesNotBuyAnAllocationOutOfProportionToTheFile() {
        // 1.6 MB of incompressible data claiming 1.5 GB, with the trailer's ISIZE forged to match
        // the claim: a ratio no real file has, so the claim is not trusted and the array grows only
        // as data arrive; the forged trailer then fails its check.
        long claimed = 1_500_000_000L;
        byte[] gz = gzip(idxU8(random(1_600_000), claimed));
        long isize = (8 + claimed) & 0xffffffffL;
        for (int i = 0; i < 4; i++) {
            gz[gz.length - 4 + i] = (byte) (isize >>> (8 * i));
        }
        readFailsWithinBytes(write(dir.resolve("forged.idx.gz"), gz), 64L << 20);
    }

    @Test
    void plainFileThatClaimsMoreThanItHoldsIsRejectedBeforeAllocating() {
        Path file = write(dir.resolve("lie.idx"), idxU8(random(1000), 1_500_000_000L));
        long before = allocatedBytes();
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () -> IdxReader.readAll(file, IdxType.UNSIGNED_BYTE, 1));
        assertEquals(Kind.TOO_LITTLE_DATA, e.getKind());
        assertTrue(allocatedBytes() - before < 16L << 20);
    }
}
