/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
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

    /**
     * The most bytes one member may expand to (1 GiB; the largest file of the datasets' archives is
     * under 200 MiB): a member that claims or delivers more fails before filling the disk.
     */
    public static final long MAX_MEMBER_BYTES = 1L << 30;

    /**
     * The most bytes a tar extended header (PAX, or a GNU long name) may hold, 64 KiB: it is read
     * into memory, and real ones hold a few hundred bytes.
     */
    private static final long MAX_EXTENDED_HEADER_BYTES = 1 << 16;

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
     * Extracts members of a gzip-compressed tar archive (ustar, GNU or PAX), read with Apache
     * Commons Compress.
     *
     * @param tarGz the archive
     * @param members maps each member name to the file to extract it to
     * @throws DatasetFormatException with {@link Kind#BAD_MAGIC} if the archive is not gzip, {@link
     *     Kind#TRUNCATED_GZIP} if its gzip stream is cut, {@link Kind#BAD_ARCHIVE} if a tar header
     *     is malformed (a bad checksum, a malformed number), a member claims more bytes than the
     *     archive can hold or ends early, or the archive lacks a member
     * @throws IOException if reading or writing fails
     */
    public static void extractTarGz(Path tarGz, Map<String, Path> members) throws IOException {
        Map<String, Path> wanted = new HashMap<>(members);
        try (DataFileInput in = DataFileInput.open(tarGz)) {
            if (!in.isGzip()) {
                throw new DatasetFormatException(Kind.BAD_MAGIC, tarGz, "not a gzip file");
            }
            TarArchiveInputStream tar = new CheckedTarInputStream(in, tarGz);
            InputStream member = new TarMemberStream(tar, tarGz);
            while (!wanted.isEmpty()) {
                TarArchiveEntry entry = nextEntry(tar, tarGz);
                if (entry == null) {
                    break;
                }
                long size = entry.getSize();
                if (size > in.maxPayloadBytes()) {
                    throw new DatasetFormatException(
                            Kind.BAD_ARCHIVE,
                            tarGz,
                            "a tar member claims "
                                    + size
                                    + " bytes, more than the archive can hold");
                }
                Path target = isRegularFile(entry) ? wanted.remove(strip(entry.getName())) : null;
                if (target != null) {
                    writeAtomically(member, size, target, tarGz);
                }
            }
        }
        if (!wanted.isEmpty()) {
            throw new DatasetFormatException(
                    Kind.BAD_ARCHIVE, tarGz, "the archive lacks " + wanted.keySet());
        }
    }

    /**
     * Reads the next tar header, turning Commons Compress's errors (an {@link IOException}, or an
     * unchecked exception for some malformed fields) into a {@link DatasetFormatException}.
     */
    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Path tarGz)
            throws IOException {
        try {
            return tar.getNextEntry();
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw badTar(tarGz, e);
        }
    }

    /**
     * Whether an entry is a regular file by its type flag ({@code '0'}, or NUL in old archives):
     * Commons Compress's {@code isFile()} also says so of links, devices and FIFOs.
     */
    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM)
                && !entry.getName().endsWith("/");
    }

    private static DatasetFormatException badTar(Path tarGz, Exception e) {
        return new DatasetFormatException(
                Kind.BAD_ARCHIVE, tarGz, "not a readable tar archive: " + e.getMessage(), e);
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

    /**
     * A tar stream that checks what Commons Compress leaves unchecked: each header's checksum, the
     * size of extended headers before they are read into memory, and an end that comes before the
     * end-of-archive block.
     */
    private static final class CheckedTarInputStream extends TarArchiveInputStream {

        private final DataFileInput in;
        private final Path tarGz;
        private boolean sawEndBlock;

        CheckedTarInputStream(DataFileInput in, Path tarGz) {
            super(in.asStream());
            this.in = in;
            this.tarGz = tarGz;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record == null && !sawEndBlock) {
                // Commons Compress takes a stream that stops short for the archive's end
                throw new DatasetFormatException(
                        Kind.TOO_LITTLE_DATA,
                        tarGz,
                        "the tar archive ends after "
                                + in.position()
                                + " bytes, inside a header or before its end-of-archive block");
            }
            if (isEOFRecord(record)) {
                sawEndBlock = true;
                return record;
            }
            if (!TarUtils.verifyCheckSum(record)) {
                throw new DatasetFormatException(
                        Kind.BAD_ARCHIVE,
                        tarGz,
                        "the tar header ending at byte "
                                + in.position()
                                + " has checksum "
                                + TarUtils.parseOctal(record, 148, 8)
                                + ", its bytes sum to "
                                + TarUtils.computeCheckSum(record));
            }
            if (isExtendedHeader(record[156])) {
                long size = TarUtils.parseOctalOrBinary(record, 124, 12);
                if (size > MAX_EXTENDED_HEADER_BYTES) {
                    throw new DatasetFormatException(
                            Kind.BAD_ARCHIVE,
                            tarGz,
                            "a tar extended header (type "
                                    + (char) record[156]
                                    + ") of "
                                    + size
                                    + " bytes, more than "
                                    + MAX_EXTENDED_HEADER_BYTES);
                }
            }
            return record;
        }

        /** PAX headers ('x', 'g') and GNU long names ('L', 'K'), which are read into memory. */
        private static boolean isExtendedHeader(byte flag) {
            return flag == 'x' || flag == 'g' || flag == 'X' || flag == 'L' || flag == 'K';
        }
    }

    /** The current member of a tar archive, its errors reported as the archive's. */
    private static final class TarMemberStream extends FilterInputStream {

        private final Path tarGz;

        TarMemberStream(TarArchiveInputStream tar, Path tarGz) {
            super(tar);
            this.tarGz = tarGz;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (DatasetFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw badTar(tarGz, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (DatasetFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw badTar(tarGz, e);
            }
        }
    }
}
