/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.io.BoundedReadException.Kind;

class BoundedFilesTest {

    @TempDir Path dir;

    @Test
    void readsASmallFile() throws Exception {
        Path file = Files.writeString(dir.resolve("a.json"), "{\"é\": 1}");
        assertEquals("{\"é\": 1}", BoundedFiles.readUtf8(file, 100));
        assertArrayEquals(
                new byte[0], BoundedFiles.readBytes(Files.write(dir.resolve("e"), new byte[0]), 1));
    }

    @Test
    void refusesAFileOverTheCapBeforeReadingIt() throws Exception {
        Path file = dir.resolve("sparse.json");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(1L << 40); // a sparse terabyte: costs nothing unless it is read
        }
        BoundedReadException e =
                assertThrows(BoundedReadException.class, () -> BoundedFiles.readBytes(file, 1024));
        assertEquals(Kind.TOO_LARGE, e.getKind());
        assertTrue(e.getMessage().contains("sparse.json"), e.getMessage());
        Path exact = Files.write(dir.resolve("exact"), new byte[1024]);
        assertEquals(1024, BoundedFiles.readBytes(exact, 1024).length);
        Path over = Files.write(dir.resolve("over"), new byte[1025]);
        assertEquals(
                Kind.TOO_LARGE,
                assertThrows(BoundedReadException.class, () -> BoundedFiles.readBytes(over, 1024))
                        .getKind());
    }

    @Test
    void refusesADirectory() {
        BoundedReadException e =
                assertThrows(BoundedReadException.class, () -> BoundedFiles.readUtf8(dir, 1024));
        assertEquals(Kind.NOT_A_REGULAR_FILE, e.getKind());
        assertTrue(e.getMessage().contains("a directory"), e.getMessage());
    }

    @Test
    void refusesASymlinkToDevZero() throws Exception {
        Path zero = Paths.get("/dev/zero");
        assumeTrue(Files.exists(zero), "needs the Unix device /dev/zero");
        Path link = Files.createSymbolicLink(dir.resolve("manifest.json"), zero);
        BoundedReadException e =
                assertThrows(
                        BoundedReadException.class,
                        () -> BoundedFiles.readBytes(link, Integer.MAX_VALUE - 8));
        assertEquals(Kind.NOT_A_REGULAR_FILE, e.getKind());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void refusesAFifoWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo unavailable");
        BoundedReadException e =
                assertThrows(BoundedReadException.class, () -> BoundedFiles.readUtf8(fifo, 1024));
        assertEquals(Kind.NOT_A_REGULAR_FILE, e.getKind());
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
        assertThrows(BoundedReadException.class, () -> BoundedFiles.openRegular(fifo).close());
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThrows(
                NoSuchFileException.class, () -> BoundedFiles.readUtf8(dir.resolve("none"), 10));
    }

    @Test
    void namesTheOffsetOfTheFirstByteThatIsNotUtf8() throws Exception {
        byte[] bytes = "{\"ab\": \"cd\"}".getBytes(StandardCharsets.US_ASCII);
        bytes[8] = (byte) 0xff;
        Path file = Files.write(dir.resolve("bad.json"), bytes);
        BoundedReadException e =
                assertThrows(BoundedReadException.class, () -> BoundedFiles.readUtf8(file, 100));
        assertEquals(Kind.INVALID_UTF8, e.getKind());
        assertEquals(8, e.getOffset());
        assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 8"), e.getMessage());
        // a multi-byte character cut at the end
        Path cut = Files.write(dir.resolve("cut"), new byte[] {'a', (byte) 0xc3});
        assertEquals(
                Kind.INVALID_UTF8,
                assertThrows(BoundedReadException.class, () -> BoundedFiles.readUtf8(cut, 100))
                        .getKind());
    }
}
