/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
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

    private final Path file;
    private final FileChannel channel;
    private final TensorFileHead head;
    private final boolean verify;
    private final DataRegion data;
    private Object fileKey;

    private TensorFileReader(Path file, FileChannel channel, TensorFileHead head, boolean verify) {
        this.file = file;
        this.channel = channel;
        this.head = head;
        this.verify = verify;
        this.data = new DataRegion(file, channel, head);
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
        TensorFileHead head = TensorFileHead.read(file, channel, verify, maxHeaderBytes);
        return new TensorFileReader(file, channel, head, verify && head.formatVersion() > 0);
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
        return Tensor.lazy(this, found(head.header().entry(name), name));
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
        return head.header();
    }

    /**
     * Returns the file offset at which the data region starts.
     *
     * @return 8 plus the header length
     */
    public long dataStart() {
        return head.dataStart();
    }

    /**
     * Returns the format version of the file.
     *
     * @return the version, or 0 for a plain safetensors file
     */
    public int formatVersion() {
        return head.formatVersion();
    }

    /**
     * Returns how far the file's data is checked.
     *
     * @return the integrity status
     */
    public Integrity integrity() {
        if (head.checksums() == null) {
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
        ByteBuffer buffer = data.read(entry);
        if (verify) {
            head.checksums().check(entry, buffer);
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
        data.readInto(entry, region);
        if (check && head.checksums() != null) {
            head.checksums().check(entry, region);
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
        return data.readRange(entry, offset, length);
    }

    /**
     * Checks every tensor against its checksum, in bounded memory, whatever the tensors' sizes: the
     * tensors' chunks are read and decoded in parallel on all cores.
     *
     * @throws IOException if a tensor is damaged, naming it
     */
    public void verify() throws IOException {
        if (head.checksums() == null) {
            return;
        }
        List<Tensor> tensors = new ArrayList<>();
        for (TensorEntry entry : head.header().entries()) {
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
        if (head.checksums() != null) {
            head.checksums().check(entry, data.crc32c(entry));
        }
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
            head.checksums().check(entry(name), actual);
        }
    }

    /**
     * Checks a checksum computed elsewhere against the file's, when the file has checksums, whether
     * this reader verifies on read or not.
     */
    void checkStored(String name, int actual) throws TensorFileFormatException {
        if (head.checksums() != null) {
            head.checksums().check(entry(name), actual);
        }
    }

    private TensorEntry entry(String name) throws TensorFileFormatException {
        // in a compressed file, a tensor stored as it is lies where the stored header says
        return found(head.positioned(name), name);
    }

    private TensorEntry found(TensorEntry entry, String name) throws TensorFileFormatException {
        if (entry == null) {
            throw new TensorFileFormatException(
                    Kind.MISSING_TENSOR, file, name, "no such tensor in the file");
        }
        return entry;
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
        return head.storage(entry(name));
    }

    /**
     * Returns how a tensor is compressed.
     *
     * @param name the tensor's name
     * @return its chunk table, or {@code null} for a tensor stored as it is
     */
    ChunkTable tableOf(String name) {
        return head.table(name);
    }

    /** Returns the reader of this file's compressed chunks, or {@code null} for a plain file. */
    ChunkReader chunkReader() {
        return data.chunks();
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
        data.readStored(entry(name), offset, region);
    }

    /** Closes the file. Buffers already returned stay valid. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
