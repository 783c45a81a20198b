/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;

/** The IDX writer: golden bytes, a round trip through the reader, and what it refuses. */
class IdxWriterTest {

    @TempDir Path dir;

    @Test
    void goldenBytes() {
        assertArrayEquals(
                new byte[] {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, (byte) 200},
                IdxWriter.toBytes(
                        IdxType.UNSIGNED_BYTE, new byte[] {1, 2, 3, 4, 5, (byte) 200}, 2, 3));
        assertArrayEquals(
                new byte[] {0, 0, 0x0C, 1, 0, 0, 0, 1, 1, 2, 3, 4},
                IdxWriter.toBytes(IdxType.INT, new byte[] {1, 2, 3, 4}, 1));
    }

    @Test
    void streamAndBytesAgree() throws Exception {
        byte[] data = {9, 8, 7, 6};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IdxWriter.write(out, IdxType.SHORT, data, 2);
        assertArrayEquals(IdxWriter.toBytes(IdxType.SHORT, data, 2), out.toByteArray());
    }

    @Test
    void roundTripsThroughTheReaderPlainAndGzip() throws Exception {
        byte[] data = new byte[5 * 4 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        for (boolean gzip : new boolean[] {false, true}) {
            Path file = dir.resolve("a" + gzip);
            IdxWriter.writeFile(file, gzip, IdxType.UNSIGNED_BYTE, data, 5, 4, 3);
            IdxArray read = IdxReader.readAll(file, IdxType.UNSIGNED_BYTE, 3);
            assertArrayEquals(new int[] {5, 4, 3}, read.getDimensions());
            assertArrayEquals(data, read.getData());
            assertEquals(gzip, Files.readAllBytes(file)[0] == 0x1f);
            assertFalse(Files.exists(dir.resolve(file.getFileName() + ".tmp")));
        }
    }

    @Test
    void writesWhatTheTestFixtureWrites() {
        byte[] data = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(
                FormatFixtures.idxU8(data, 3, 2),
                IdxWriter.toBytes(IdxType.UNSIGNED_BYTE, data, 3, 2));
    }

    @Test
    void refusesWhatTheReaderWouldRefuse() {
        byte[] four = new byte[4];
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxWriter.toBytes(IdxType.UNSIGNED_BYTE, four));
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxWriter.toBytes(IdxType.UNSIGNED_BYTE, four, 0, 4));
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxWriter.toBytes(IdxType.UNSIGNED_BYTE, four, 5));
        assertThrows(IllegalArgumentException.class, () -> IdxWriter.toBytes(IdxType.INT, four, 4));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        IdxWriter.toBytes(
                                IdxType.DOUBLE,
                                four,
                                Integer.MAX_VALUE,
                                Integer.MAX_VALUE,
                                Integer.MAX_VALUE));
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxWriter.toBytes(IdxType.UNSIGNED_BYTE, four, new int[256]));
    }

    @Test
    void refusedFileLeavesNothingBehind() {
        Path file = dir.resolve("bad");
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxWriter.writeFile(file, true, IdxType.UNSIGNED_BYTE, new byte[3], 4));
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("bad.tmp")));
    }
}
