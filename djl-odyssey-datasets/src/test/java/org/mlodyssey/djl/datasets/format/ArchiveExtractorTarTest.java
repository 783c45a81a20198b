/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;
import org.mlodyssey.djl.datasets.internal.ArchiveExtractor;

/** Tar.gz extraction: the header flavours it reads and the hostile archives it refuses. */
class ArchiveExtractorTarTest {

    @TempDir Path dir;

    private static final byte[] A = "alpha".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] B = new byte[1500];

    /** A tar stream (not compressed) written with the given long-name mode. */
    private static byte[] tar(int longFileMode, Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(longFileMode);
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(m.getKey());
                entry.setSize(m.getValue().length);
                out.putArchiveEntry(entry);
                out.write(m.getValue());
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private Path archive(byte[] tar) {
        return FormatFixtures.write(dir.resolve("a.tar.gz"), FormatFixtures.gzip(tar));
    }

    private DatasetFormatException fails(Path archive, String member) {
        return assertThrows(
                DatasetFormatException.class,
                () -> ArchiveExtractor.extractTarGz(archive, Map.of(member, dir.resolve("out/x"))));
    }

    /** Rewrites the size field of the first header and its checksum. */
    private static void setFirstSize(byte[] tar, String octal11) {
        System.arraycopy(octal11.getBytes(StandardCharsets.US_ASCII), 0, tar, 124, 11);
        Arrays.fill(tar, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[i] & 0xff;
        }
        byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, tar, 148, 8);
    }

    @Test
    void extractsTheChosenMembersToTheCallersFiles() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("./d/a.txt", A);
        members.put("d/skipped.bin", new byte[700]);
        members.put("d/b.bin", B);
        Path archive = FormatFixtures.write(dir.resolve("a.tar.gz"), FormatFixtures.tarGz(members));
        Path outA = dir.resolve("out/one");
        Path outB = dir.resolve("out/two");
        ArchiveExtractor.extractTarGz(archive, Map.of("d/a.txt", outA, "d/b.bin", outB));
        assertArrayEquals(A, Files.readAllBytes(outA));
        assertArrayEquals(B, Files.readAllBytes(outB));
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertEquals(2, files.count(), "nothing but the chosen files, no temporary file");
        }
    }

    @Test
    void readsPaxAndGnuLongNames() throws Exception {
        for (int mode :
                new int[] {
                    TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU
                }) {
            String name = "d/" + "n".repeat(150) + mode + ".bin";
            Path archive = archive(tar(mode, Map.of(name, B)));
            Path out = dir.resolve("out/long" + mode);
            ArchiveExtractor.extractTarGz(archive, Map.of(name, out));
            assertArrayEquals(B, Files.readAllBytes(out), "mode " + mode);
        }
    }

    @Test
    void memberNamesNeverChooseWhereFilesGo() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("../escaped.txt", B);
        members.put("/abs/escaped.txt", B);
        members.put("d/a.txt", A);
        Path archive = archive(tar(TarArchiveOutputStream.LONGFILE_POSIX, members));
        Path out = dir.resolve("out/a");
        ArchiveExtractor.extractTarGz(archive, Map.of("d/a.txt", out));
        assertArrayEquals(A, Files.readAllBytes(out));
        assertFalse(Files.exists(dir.resolve("escaped.txt")));
        assertFalse(Files.exists(dir.getParent().resolve("escaped.txt")));
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(
                    List.of(archive, out),
                    files.filter(Files::isRegularFile).sorted().toList(),
                    "only the archive and the chosen file");
        }
    }

    @Test
    void aLinkIsNotTheRegularFileAsked() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry link = new TarArchiveEntry("d/a.txt", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        }
        DatasetFormatException e = fails(archive(bytes.toByteArray()), "d/a.txt");
        assertEquals(Kind.BAD_ARCHIVE, e.getKind());
        assertTrue(e.getMessage().contains("lacks [d/a.txt]"), e.getMessage());
    }

    @Test
    void aMemberClaimingMoreThanTheArchiveCanHold() throws Exception {
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_POSIX, Map.of("d/a.txt", A));
        setFirstSize(tar, "77777777777"); // 8 GiB - 1 in a 60-byte gzip file
        DatasetFormatException e = fails(archive(tar), "d/a.txt");
        assertEquals(Kind.BAD_ARCHIVE, e.getKind());
        assertTrue(e.getMessage().contains("more than the archive can hold"), e.getMessage());
    }

    @Test
    void anExtendedHeaderLargerThan64KiB() throws Exception {
        for (int mode :
                new int[] {
                    TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU
                }) {
            String name = "d/" + "n".repeat(150);
            byte[] tar = tar(mode, Map.of(name, A));
            setFirstSize(tar, "00000400001"); // the long name's header: 128 KiB + 1
            DatasetFormatException e = fails(archive(tar), name);
            assertEquals(Kind.BAD_ARCHIVE, e.getKind());
            assertTrue(e.getMessage().contains("extended header"), e.getMessage());
        }
    }

    @Test
    void aMemberCutShortInsideAValidGzipStream() throws Exception {
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_POSIX, Map.of("d/b.bin", B));
        DatasetFormatException e = fails(archive(Arrays.copyOf(tar, 512 + 1000)), "d/b.bin");
        assertEquals(Kind.BAD_ARCHIVE, e.getKind());
        assertFalse(Files.exists(dir.resolve("out/x")), "no partial file");
    }

    @Test
    void aMalformedSizeField() throws Exception {
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_POSIX, Map.of("d/a.txt", A));
        setFirstSize(tar, "0000000009x");
        assertEquals(Kind.BAD_ARCHIVE, fails(archive(tar), "d/a.txt").getKind());
    }

    @Test
    void aBadHeaderChecksum() throws Exception {
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_POSIX, Map.of("d/a.txt", A));
        tar[300] ^= 0x01; // a byte of the group name: the member is still the one asked for
        DatasetFormatException e = fails(archive(tar), "d/a.txt");
        assertEquals(Kind.BAD_ARCHIVE, e.getKind());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void notGzip() throws Exception {
        Path plain =
                FormatFixtures.write(
                        dir.resolve("a.tar.gz"),
                        tar(TarArchiveOutputStream.LONGFILE_POSIX, Map.of("d/a.txt", A)));
        assertEquals(Kind.BAD_MAGIC, fails(plain, "d/a.txt").getKind());
    }

    @Test
    void gzipOfSomethingElse() {
        Path archive = archive("not a tar archive at all".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Kind.TOO_LITTLE_DATA, fails(archive, "d/a.txt").getKind());
    }

    @Test
    void aTarStreamThatStopsAtAHeaderBoundaryBeforeTheMemberAsked() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("d/a.txt", A);
        members.put("d/b.bin", B);
        byte[] tar = tar(TarArchiveOutputStream.LONGFILE_POSIX, members);
        DatasetFormatException e = fails(archive(Arrays.copyOf(tar, 1024)), "d/b.bin");
        assertEquals(Kind.TOO_LITTLE_DATA, e.getKind());
        assertTrue(e.getMessage().contains("ends after 1024 bytes"), e.getMessage());
    }
}
