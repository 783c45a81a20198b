/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * Extracts chosen members of a zip or tar.gz archive into chosen files, each placed atomically (a
 * temporary file in the target directory, then one rename).
 *
 * <p>Member names are matched exactly after stripping a leading {@code ./}; the target paths are
 * the caller's, never derived from names inside the archive.
 */
public final class ArchiveExtractor {

    private static final int BLOCK = 512;

    /**
     * The most bytes one member may expand to (1 GiB; the largest file of the datasets' archives is
     * under 200 MiB): a member that claims or delivers more fails before filling the disk.
     */
    public static final long MAX_MEMBER_BYTES = 1L << 30;

    private ArchiveExtractor() {}

    /**
     * Extracts members of a zip archive.
     *
     * @param zip the archive
     * @param members maps each member name to the file to extract it to
     * @throws DatasetFormatException with {@link Kind#BAD_ARCHIVE} if the archive is not a zip
     *     archive or lacks a member
     * @throws IOException if reading or writing fails
     */
    public static void extractZip(Path zip, Map<String, Path> members) throws IOException {
        ZipFile zipFile;
        try {
            BoundedFiles.requireRegularFile(zip);
            zipFile = new ZipFile(zip.toFile());
        } catch (BoundedReadException e) {
            throw DatasetFormatException.from(e, Kind.NOT_A_REGULAR_FILE);
        } catch (ZipException | java.io.EOFException e) {
            // ZipFile reports a cut end record as an EOFException, not a ZipException
            throw new DatasetFormatException(
                    Kind.BAD_ARCHIVE, zip, "not a readable zip archive: " + e.getMessage(), e);
        }
        try (zipFile) {
            for (Map.Entry<String, Path> member : members.entrySet()) {
                ZipEntry entry = zipFile.getEntry(member.getKey());
                if (entry == null || entry.isDirectory()) {
                    throw new DatasetFormatException(
                            Kind.BAD_ARCHIVE, zip, "the archive lacks " + member.getKey());
                }
                try (InputStream in = zipFile.getInputStream(entry)) {
                    writeAtomically(in, entry.getSize(), member.getValue(), zip);
                } catch (ZipException | java.io.EOFException e) {
                    throw new DatasetFormatException(
                            Kind.BAD_ARCHIVE,
                            zip,
                            "the member " + member.getKey() + " is damaged: " + e.getMessage(),
                            e);
                }
            }
        }
    }

    /**
     * Extracts members of a gzip-compressed tar archive (ustar or GNU).
     *
     * @param tarGz the archive
     * @param members maps each member name to the file to extract it to
     * @throws DatasetFormatException if the archive is truncated, has a bad header checksum or
     *     lacks a member
     * @throws IOException if reading or writing fails
     */
    public static void extractTarGz(Path tarGz, Map<String, Path> members) throws IOException {
        Map<String, Path> wanted = new HashMap<>(members);
        try (DataFileInput in = DataFileInput.open(tarGz)) {
            if (!in.isGzip()) {
                throw new DatasetFormatException(Kind.BAD_MAGIC, tarGz, "not a gzip file");
            }
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (!wanted.isEmpty()) {
                in.readFully(header, 0, BLOCK);
                if (isZero(header)) {
                    break;
                }
                checkHeaderChecksum(header, tarGz, in.position());
                long size = parseOctal(header, 124, 12, tarGz);
                if (size > in.maxPayloadBytes()) {
                    throw new DatasetFormatException(
                            Kind.BAD_ARCHIVE,
                            tarGz,
                            "a tar member claims "
                                    + size
                                    + " bytes, more than the archive can hold");
                }
                long padded = Math.addExact(size, (BLOCK - size % BLOCK) % BLOCK);
                char type = (char) header[156];
                String name = longName != null ? longName : headerName(header);
                longName = null;
                if (type == 'L') {
                    if (size > 1 << 16) {
                        throw new DatasetFormatException(
                                Kind.BAD_ARCHIVE, tarGz, "a long name of " + size + " bytes");
                    }
                    byte[] nameBytes = new byte[(int) padded];
                    in.readFully(nameBytes, 0, nameBytes.length);
                    longName = cString(nameBytes, 0, (int) size);
                    continue;
                }
                Path target = (type == '0' || type == 0) ? wanted.remove(strip(name)) : null;
                if (target == null) {
                    in.skipFully(padded);
                    continue;
                }
                writeAtomically(new BoundedStream(in, size), size, target, tarGz);
                in.skipFully(padded - size);
            }
        }
        if (!wanted.isEmpty()) {
            throw new DatasetFormatException(
                    Kind.BAD_ARCHIVE, tarGz, "the archive lacks " + wanted.keySet());
        }
    }

    private static void writeAtomically(InputStream in, long size, Path target, Path archive)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            long copied = 0;
            if (size > MAX_MEMBER_BYTES) {
                throw tooLarge(archive, target);
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    copied += n;
                    if (copied > MAX_MEMBER_BYTES) {
                        throw tooLarge(archive, target);
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (size >= 0 && copied != size) {
                throw new DatasetFormatException(
                        Kind.BAD_ARCHIVE,
                        archive,
                        "the member for "
                                + target.getFileName()
                                + " ends after "
                                + copied
                                + " of its "
                                + size
                                + " bytes");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static DatasetFormatException tooLarge(Path archive, Path target) {
        return new DatasetFormatException(
                Kind.BAD_ARCHIVE,
                archive,
                "the member for "
                        + target.getFileName()
                        + " is larger than "
                        + MAX_MEMBER_BYTES
                        + " bytes, more than any file of the datasets");
    }

    private static String strip(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    private static String headerName(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkHeaderChecksum(byte[] header, Path file, long position)
            throws DatasetFormatException {
        long stored = parseOctal(header, 148, 8, file);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != stored) {
            throw new DatasetFormatException(
                    Kind.BAD_ARCHIVE,
                    file,
                    "the tar header ending at byte "
                            + position
                            + " has checksum "
                            + stored
                            + ", its bytes sum to "
                            + sum);
        }
    }

    private static long parseOctal(byte[] b, int off, int len, Path file)
            throws DatasetFormatException {
        long value = 0;
        int i = off;
        int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        for (; i < end && b[i] != ' ' && b[i] != 0; i++) {
            if (b[i] < '0' || b[i] > '7' || value > (Long.MAX_VALUE >> 3)) {
                throw new DatasetFormatException(
                        Kind.BAD_ARCHIVE, file, "a tar header holds a malformed octal number");
            }
            value = (value << 3) + (b[i] - '0');
        }
        return value;
    }

    /** Reads at most a given number of bytes from a {@link DataFileInput}. */
    private static final class BoundedStream extends InputStream {

        private final DataFileInput in;
        private long left;

        BoundedStream(DataFileInput in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            in.readFully(b, off, n);
            left -= n;
            return n;
        }
    }
}
