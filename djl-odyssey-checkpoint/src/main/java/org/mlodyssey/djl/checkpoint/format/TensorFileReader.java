/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * Reads a named-tensor file: validates its header completely on open, then maps each tensor's bytes
 * from the file on demand, checking its CRC32C when the file carries checksums and verification is
 * on.
 *
 * <p>Buffers returned by {@link #read(String)} are read-only views of a memory mapping; they stay
 * valid after {@link #close()}. A single tensor of more than {@link Integer#MAX_VALUE} bytes cannot
 * be returned as one buffer: {@link #read(String)} fails with {@link Kind#TENSOR_TOO_LARGE} for it,
 * and {@link #readRange(String, long, int)} reads it in parts.
 */
public final class TensorFileReader implements Closeable {

    private static final int VERIFY_CHUNK = 4 << 20;

    private final Path file;
    private final FileChannel channel;
    private final TensorHeader header;
    private final long dataStart;
    private final int formatVersion;
    private final Map<String, Integer> checksums;
    private final boolean verify;
    private final CompressedLayout layout;
    private final ChunkReader chunks;
    private Object fileKey;

    private TensorFileReader(
            Path file,
            FileChannel channel,
            TensorHeader header,
            long dataStart,
            int formatVersion,
            Map<String, Integer> checksums,
            boolean verify,
            CompressedLayout layout) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.dataStart = dataStart;
        this.formatVersion = formatVersion;
        this.checksums = checksums;
        this.verify = verify;
        this.layout = layout;
        this.chunks = layout == null ? null : new ChunkReader(file, channel, dataStart);
    }

    /**
     * Opens a file with verification on and the default header cap.
     *
     * @param file the file
     * @return the reader
     * @throws IOException if the file cannot be read or is malformed
     */
    public static TensorFileReader open(Path file) throws IOException {
        return open(file, true, TensorHeader.DEFAULT_MAX_HEADER_BYTES);
    }

    /**
     * Opens a file.
     *
     * @param file the file
     * @param verify whether to check the header checksum now and each tensor's checksum on read
     * @param maxHeaderBytes the largest header accepted, checked before anything is allocated
     * @return the reader
     * @throws IOException if the file cannot be read or is malformed
     */
    public static TensorFileReader open(Path file, boolean verify, long maxHeaderBytes)
            throws IOException {
        FileChannel channel;
        try {
            channel = BoundedFiles.openRegular(file);
        } catch (BoundedReadException e) {
            throw new TensorFileFormatException(
                    Kind.NOT_A_REGULAR_FILE, file, null, e.getDetail(), e);
        }
        try {
            TensorFileReader reader = open(file, channel, verify, maxHeaderBytes);
            reader.fileKey = fileKeyOf(file);
            return reader;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens a file through a channel that is already open, such as a view of an object in a bucket
     * that supports positional reads only. The reader never maps such a channel when the caller
     * uses {@link #readInto} and {@link #verify()}; closing the reader closes the channel.
     *
     * @param file names the file in error messages
     * @param channel the open channel; read with positional reads
     * @param verify whether to check the header checksum now and each tensor's checksum on read
     * @param maxHeaderBytes the largest header accepted, checked before anything is allocated
     * @return the reader
     * @throws IOException if the file cannot be read or is malformed
     */
    public static TensorFileReader open(
            Path file, FileChannel channel, boolean verify, long maxHeaderBytes)
            throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new TensorFileFormatException(
                    Kind.HEADER_TOO_SMALL,
                    file,
                    "header length",
                    "file has " + size + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, prefix, 0, file, null);
        long headerLength = prefix.getLong(0);
        long cap = Math.min(maxHeaderBytes, Integer.MAX_VALUE - 8);
        if (headerLength < 0 || headerLength > cap) {
            throw new TensorFileFormatException(
                    Kind.HEADER_TOO_LARGE,
                    file,
                    "header length",
                    "header length "
                            + Long.toUnsignedString(headerLength)
                            + " exceeds the cap of "
                            + cap
                            + " bytes");
        }
        if (headerLength > size - 8) {
            throw new TensorFileFormatException(
                    Kind.HEADER_BEYOND_FILE,
                    file,
                    "header length",
                    "header length "
                            + headerLength
                            + " reaches beyond the end of the "
                            + size
                            + "-byte file");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerLength);
        readFully(channel, json, 8, file, null);
        long dataStart = 8 + headerLength;
        TensorHeader header = TensorHeader.parse(json.array(), file, size - dataStart);
        int version = FormatKeys.version(header.metadata(), file);
        Map<String, Integer> checksums = version == 0 ? null : checksums(header, file, verify);
        CompressedLayout layout = null;
        if (version >= FormatKeys.COMPRESSED_VERSION) {
            // compressed tensors: from here on, the header is the logical one (section 9)
            layout = CompressedLayout.parse(header, file);
            header = layout.header();
            checksums = layout.byLogicalName(checksums);
        }
        return new TensorFileReader(
                file,
                channel,
                header,
                dataStart,
                version,
                checksums,
                verify && version > 0,
                layout);
    }

    private static Map<String, Integer> checksums(TensorHeader header, Path file, boolean verify)
            throws TensorFileFormatException {
        Map<String, String> metadata = header.metadata();
        if (verify) {
            int stored =
                    FormatKeys.parseHex(
                            metadata.get(FormatKeys.HEADER_CRC32C), file, FormatKeys.HEADER_CRC32C);
            int actual = header.canonicalCrc32c(java.util.Set.of(FormatKeys.HEADER_CRC32C));
            if (stored != actual) {
                throw new TensorFileFormatException(
                        Kind.HEADER_CHECKSUM_MISMATCH,
                        file,
                        "header",
                        "header checksum is "
                                + FormatKeys.hex(actual)
                                + ", the file says "
                                + FormatKeys.hex(stored));
            }
        }
        String list = metadata.getOrDefault(FormatKeys.TENSOR_CRC32C, "");
        List<TensorEntry> entries = header.entries();
        // Counted and parsed in place: no array of substrings as large as the list.
        int count = list.isEmpty() ? 0 : 1;
        for (int i = 0; i < list.length(); i++) {
            if (list.charAt(i) == ',') {
                count++;
            }
        }
        if (count != entries.size()) {
            throw new TensorFileFormatException(
                    Kind.INVALID_METADATA,
                    file,
                    FormatKeys.TENSOR_CRC32C,
                    count + " checksums for " + entries.size() + " tensors");
        }
        Map<String, Integer> result = new HashMap<>(TensorHeader.mapCapacity(count));
        int start = 0;
        for (int i = 0; i < count; i++) {
            int end = list.indexOf(',', start);
            end = end < 0 ? list.length() : end;
            result.put(
                    entries.get(i).name(),
                    FormatKeys.parseHex(list, start, end, file, FormatKeys.TENSOR_CRC32C));
            start = end + 1;
        }
        return result;
    }

    /**
     * Reads a buffer's remaining bytes from a file, from a file offset on.
     *
     * @param channel the open file
     * @param buffer receives the bytes from its position to its limit
     * @param position the file offset of the first byte
     * @param file the file, for error messages
     * @param subject the tensor or field read, for error messages; may be null
     * @throws IOException if the file cannot be read or ends before the buffer is full
     */
    static void readFully(
            FileChannel channel, ByteBuffer buffer, long position, Path file, String subject)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new TensorFileFormatException(
                        Kind.TRUNCATED, file, subject, "file ended at byte " + at);
            }
            at += n;
        }
    }

    /**
     * Returns one tensor of the file, read from it when its data are asked for ({@link
     * Tensor#copyTo} reads with positional reads and checks the checksum).
     *
     * @param name the tensor's name
     * @return the tensor, valid while this reader is open
     * @throws TensorFileFormatException if the file has no such tensor
     */
    public Tensor tensor(String name) throws TensorFileFormatException {
        TensorEntry entry = header.entry(name);
        if (entry == null) {
            throw new TensorFileFormatException(
                    Kind.MISSING_TENSOR, file, name, "no such tensor in the file");
        }
        return Tensor.lazy(this, entry);
    }

    /**
     * Returns the file this reader reads.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the validated header.
     *
     * @return the header
     */
    public TensorHeader header() {
        return header;
    }

    /**
     * Returns the file offset at which the data region starts.
     *
     * @return 8 plus the header length
     */
    public long dataStart() {
        return dataStart;
    }

    /**
     * Returns the format version of the file.
     *
     * @return the version, or 0 for a plain safetensors file
     */
    public int formatVersion() {
        return formatVersion;
    }

    /**
     * Returns how far the file's data is checked.
     *
     * @return the integrity status
     */
    public Integrity integrity() {
        if (checksums == null) {
            return Integrity.UNCHECKED;
        }
        return verify ? Integrity.VERIFIED : Integrity.DISABLED;
    }

    /**
     * Returns one tensor's data, checked against its checksum when verification is on.
     *
     * @param name the tensor's name
     * @return a read-only little-endian buffer over the mapped bytes
     * @throws IOException if the tensor is missing, too large for one buffer, or damaged
     */
    public ByteBuffer read(String name) throws IOException {
        TensorEntry entry = entry(name);
        if (entry.byteSize() > Integer.MAX_VALUE) {
            throw new TensorFileFormatException(
                    Kind.TENSOR_TOO_LARGE,
                    file,
                    name,
                    entry.byteSize()
                            + " bytes do not fit one Java buffer (at most "
                            + Integer.MAX_VALUE
                            + "); read it in parts with readRange");
        }
        ChunkTable table = table(name);
        if (table != null) {
            return readCompressed(entry, table);
        }
        ByteBuffer buffer = map(entry.begin(), (int) entry.byteSize());
        if (verify) {
            CRC32C crc = new CRC32C();
            crc.update(buffer.duplicate());
            check(entry, (int) crc.getValue());
        }
        return buffer;
    }

    /**
     * Reads one tensor's data into a buffer with positional reads (no memory mapping, so no page
     * faults on a mapping: the fastest way into memory that is already allocated), then checks it
     * against its checksum when verification is on.
     *
     * @param name the tensor's name
     * @param target receives the bytes from its position; must have room for all of them
     * @throws IOException if the tensor is missing, the file ends early, or the data are damaged
     */
    public void readInto(String name, ByteBuffer target) throws IOException {
        readInto(name, target, verify);
    }

    /**
     * Reads one tensor's data into a buffer with positional reads, checking them or not.
     *
     * @param name the tensor's name
     * @param target receives the bytes from its position; must have room for all of them
     * @param check whether to check the checksum (only when the file has checksums); pass false
     *     only for data just checked with {@link #verify(String)}
     * @throws IOException if the tensor is missing, the file ends early, or the data are damaged
     */
    public void readInto(String name, ByteBuffer target, boolean check) throws IOException {
        TensorEntry entry = entry(name);
        if (target.remaining() < entry.byteSize()) {
            throw new IllegalArgumentException(
                    name
                            + ": the target has room for "
                            + target.remaining()
                            + " bytes, the tensor holds "
                            + entry.byteSize());
        }
        ByteBuffer region = target.slice();
        region.limit((int) entry.byteSize());
        ChunkTable table = table(name);
        if (table != null) {
            readCompressedInto(entry, table, region, check);
            target.position(target.position() + (int) entry.byteSize());
            return;
        }
        readFully(channel, region, dataStart + entry.begin(), file, name);
        if (check && checksums != null) {
            region.flip();
            CRC32C crc = new CRC32C();
            crc.update(region);
            check(entry, (int) crc.getValue());
        }
        target.position(target.position() + (int) entry.byteSize());
    }

    /**
     * Returns part of one tensor's data, unchecked. Use {@link #verify()} to check a whole file.
     *
     * @param name the tensor's name
     * @param offset the first byte, relative to the tensor's data
     * @param length the number of bytes
     * @return a read-only little-endian buffer over the mapped bytes
     * @throws IOException if the tensor is missing or the range lies outside its data
     */
    public ByteBuffer readRange(String name, long offset, int length) throws IOException {
        TensorEntry entry = entry(name);
        if (offset < 0 || length < 0 || offset > entry.byteSize() - length) {
            throw new IndexOutOfBoundsException(
                    "range ["
                            + offset
                            + ", "
                            + offset
                            + "+"
                            + length
                            + ") outside tensor "
                            + name
                            + " of "
                            + entry.byteSize()
                            + " bytes");
        }
        ChunkTable table = table(name);
        if (table != null) {
            ByteBuffer range = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
            chunks.readRange(table, offset, range);
            return range.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return map(entry.begin() + offset, length);
    }

    /**
     * Checks every tensor against its checksum, in bounded memory, whatever the tensors' sizes: the
     * tensors' chunks are read and decoded in parallel on all cores.
     *
     * @throws IOException if a tensor is damaged, naming it
     */
    public void verify() throws IOException {
        if (checksums == null) {
            return;
        }
        List<Tensor> tensors = new ArrayList<>();
        for (TensorEntry entry : header.entries()) {
            tensors.add(Tensor.lazy(this, entry));
        }
        ParallelTensorReads.verifyStored(tensors);
    }

    /**
     * Checks one tensor against its checksum, in bounded memory, without mapping the file.
     *
     * @param name the tensor's name
     * @throws IOException if the tensor is missing or damaged, naming it
     */
    public void verify(String name) throws IOException {
        TensorEntry entry = entry(name);
        if (checksums != null) {
            verify(
                    entry,
                    ByteBuffer.allocateDirect((int) Math.min(VERIFY_CHUNK, entry.byteSize())));
        }
    }

    private void verify(TensorEntry entry, ByteBuffer scratch) throws IOException {
        ChunkTable table = table(entry.name());
        if (table != null) {
            check(entry, chunks.crc32c(table));
            return;
        }
        CRC32C crc = new CRC32C();
        long position = dataStart + entry.begin();
        long end = dataStart + entry.end();
        while (position < end) {
            scratch.clear();
            scratch.limit((int) Math.min(scratch.capacity(), end - position));
            readFully(channel, scratch, position, file, entry.name());
            scratch.flip();
            position += scratch.remaining();
            crc.update(scratch);
        }
        check(entry, (int) crc.getValue());
    }

    /**
     * Returns the identity of a file on its file system ({@link BasicFileAttributes#fileKey()}).
     *
     * @param file the file
     * @return its key, or {@code null} where the file system has none
     * @throws IOException if the file's attributes cannot be read
     */
    static Object fileKeyOf(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    /**
     * Returns the identity the file had when this reader opened it, to tell whether the path still
     * names the same file.
     *
     * @return its key, or {@code null} where the file system has none
     */
    Object fileKey() {
        return fileKey;
    }

    /** Returns the open channel, for mapping; closed with this reader. */
    FileChannel channel() {
        return channel;
    }

    /** Returns a tensor's entry, or throws {@link Kind#MISSING_TENSOR}. */
    TensorEntry entryOf(String name) throws TensorFileFormatException {
        return entry(name);
    }

    /**
     * Checks a checksum computed elsewhere (over a mapping, in parallel) against the file's, when
     * this reader verifies.
     */
    void checkComputed(String name, int actual) throws TensorFileFormatException {
        if (verify) {
            check(entry(name), actual);
        }
    }

    /**
     * Checks a checksum computed elsewhere against the file's, when the file has checksums, whether
     * this reader verifies on read or not.
     */
    void checkStored(String name, int actual) throws TensorFileFormatException {
        if (checksums != null) {
            check(entry(name), actual);
        }
    }

    private void check(TensorEntry entry, int actual) throws TensorFileFormatException {
        int stored = checksums.get(entry.name());
        if (stored != actual) {
            throw new TensorFileFormatException(
                    Kind.CHECKSUM_MISMATCH,
                    file,
                    entry.name(),
                    "data checksum is "
                            + FormatKeys.hex(actual)
                            + ", the file says "
                            + FormatKeys.hex(stored));
        }
    }

    private TensorEntry entry(String name) throws TensorFileFormatException {
        // in a compressed file, a tensor stored as it is lies where the stored header says
        TensorEntry entry = layout == null ? header.entry(name) : layout.positioned(name);
        if (entry == null) {
            throw new TensorFileFormatException(
                    Kind.MISSING_TENSOR, file, name, "no such tensor in the file");
        }
        return entry;
    }

    private ByteBuffer map(long dataOffset, int length) throws IOException {
        if (length == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        MappedByteBuffer mapped;
        try {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + dataOffset, length);
        } catch (UnsupportedOperationException e) {
            // a channel that cannot be mapped (an object in a bucket): read into memory
            ByteBuffer copy = ByteBuffer.allocateDirect(length);
            readFully(channel, copy, dataStart + dataOffset, file, null);
            return copy.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return mapped.order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Tells how a tensor is stored: its codec, filter and stored size.
     *
     * @param name the tensor's name
     * @return the storage; {@link TensorStorage#codec()} is {@code "none"} for a tensor stored as
     *     it is
     * @throws TensorFileFormatException if the tensor is not in the file
     */
    public TensorStorage storage(String name) throws TensorFileFormatException {
        TensorEntry entry = entry(name);
        ChunkTable table = table(name);
        if (table == null) {
            return new TensorStorage(
                    "none", ChunkFilter.NONE, 0, entry.byteSize(), entry.byteSize());
        }
        return new TensorStorage(
                table.codec(),
                table.filter(),
                table.chunkCount(),
                table.byteSize(),
                table.storedBytes());
    }

    /**
     * Returns how a tensor is compressed.
     *
     * @param name the tensor's name
     * @return its chunk table, or {@code null} for a tensor stored as it is
     */
    ChunkTable tableOf(String name) {
        return table(name);
    }

    /** Returns the reader of this file's compressed chunks, or {@code null} for a plain file. */
    ChunkReader chunkReader() {
        return chunks;
    }

    /**
     * Reads part of a tensor stored as it is with positional reads, unchecked; runs on any thread.
     *
     * @param name the tensor's name
     * @param offset the first byte, relative to the tensor's data
     * @param region receives the bytes from its position to its limit
     * @throws IOException if the tensor is missing or the file ends early
     */
    void readStored(String name, long offset, ByteBuffer region) throws IOException {
        readFully(channel, region, dataStart + entry(name).begin() + offset, file, name);
    }

    private ChunkTable table(String name) {
        return layout == null ? null : layout.table(name);
    }

    private ByteBuffer readCompressed(TensorEntry entry, ChunkTable table) throws IOException {
        ByteBuffer buffer =
                ByteBuffer.allocateDirect((int) entry.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        readCompressedInto(entry, table, buffer, verify);
        return buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private void readCompressedInto(
            TensorEntry entry, ChunkTable table, ByteBuffer region, boolean check)
            throws IOException {
        chunks.readInto(table, region);
        if (check && checksums != null) {
            CRC32C crc = new CRC32C();
            crc.update(region.duplicate());
            check(entry, (int) crc.getValue());
        }
    }

    /** Closes the file. Buffers already returned stay valid. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
