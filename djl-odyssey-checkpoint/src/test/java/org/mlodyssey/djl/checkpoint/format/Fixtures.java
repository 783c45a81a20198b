/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.function.Executable;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/** Builds named-tensor files byte by byte, independently of the writer under test. */
final class Fixtures {

    private Fixtures() {}

    /** Returns the UTF-8 bytes of a string. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Returns a file image: the 8-byte little-endian length of the header, the header, data. */
    static byte[] file(byte[] header, byte[] data) {
        return file(header.length, header, data);
    }

    /** Returns a file image whose length prefix is given explicitly. */
    static byte[] file(long headerLength, byte[] header, byte[] data) {
        ByteBuffer buffer =
                ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(headerLength).put(header).put(data);
        return buffer.array();
    }

    /** Returns a file image with a header given as a JSON string. */
    static byte[] file(String header, byte[] data) {
        return file(utf8(header), data);
    }

    /** Returns the CRC32C of bytes, as the format writes it: 8 lowercase hex digits. */
    static String crcHex(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return String.format("%08x", crc.getValue());
    }

    /** One tensor of a header's canonical form. */
    record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    /**
     * Computes the header CRC32C from the spec: for each tensor in data order 't' + f(name) +
     * f(dtype) + f(dims) + f(begin,end); then each metadata entry but the header CRC, sorted by
     * UTF-8 key bytes, 'm' + f(key) + f(value); f(s) = UTF-8 byte length + ':' + s.
     */
    static String headerCrc(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append('t').append(f(e.name())).append(f(e.dtype()));
            List<String> dims = new ArrayList<>();
            for (long dim : e.shape()) {
                dims.add(Long.toString(dim));
            }
            sb.append(f(String.join(",", dims))).append(f(e.begin() + "," + e.end()));
        }
        metadata.keySet().stream()
                .filter(k -> !k.equals("odyssey.header_crc32c"))
                .sorted((a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b)))
                .forEach(k -> sb.append('m').append(f(k)).append(f(metadata.get(k))));
        return crcHex(utf8(sb.toString()));
    }

    private static String f(String s) {
        return utf8(s).length + ":" + s;
    }

    /** Writes bytes to a file in a directory and returns its path. */
    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path path = dir.resolve(name);
        Files.write(path, bytes);
        return path;
    }

    /**
     * Asserts that running the code fails with a format error of the given kind whose message names
     * the file and the subject, and that the file is no longer held open.
     */
    static TensorFileFormatException assertFormatError(
            Kind kind, Path file, String subject, Executable code) {
        TensorFileFormatException e = assertThrows(TensorFileFormatException.class, code);
        assertEquals(kind, e.getKind(), e::getMessage);
        assertTrue(e.getMessage().contains(file.toString()), e::getMessage);
        if (subject != null) {
            assertEquals(subject, e.getSubject(), e::getMessage);
            assertTrue(e.getMessage().contains(subject), e::getMessage);
        }
        assertNotOpen(file);
        return e;
    }

    /** Asserts that no file descriptor of this process refers to a file (Linux only). */
    static void assertNotOpen(Path file) {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return;
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return; // gone: nothing can hold it by name
        }
        try (Stream<Path> list = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                assertTrue(!target.equals(real), () -> "still open: " + file);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
