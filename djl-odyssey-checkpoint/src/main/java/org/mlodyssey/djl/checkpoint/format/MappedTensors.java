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
import java.nio.file.FileSystemException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.ParallelCrc32c;

/**
 * The data of a loaded checkpoint's tensors, memory-mapped from their files: one mapping per file
 * (or per 2 GiB window of a larger file), shared by every tensor and counted by reference.
 *
 * <p><b>Lifetime.</b> The mapping is created with one reference, owned by the caller of {@link
 * #map}, who gives it up with {@link #close()}. Whoever keeps a buffer from {@link #data(String)}
 * beyond that takes a reference with {@link #retain()} and gives it back with {@link #release()}.
 * When the last reference goes, the mapping is unmapped at once, and every buffer over it becomes
 * invalid: touching one afterwards faults. The mapping does not depend on the checkpoint: it stays
 * valid after the checkpoint is closed.
 *
 * <p>Whoever hands a buffer to an engine must hold a reference as long as anything in the engine
 * can reach the memory, views of the memory included. The DJL adapter's zero-copy arrays do it per
 * {@code NDManager}: each manager holding such an array (and hence its views) holds one reference
 * until it closes, so the mapped memory lives until the manager closes, not until the arrays do.
 *
 * <p><b>Copy on write.</b> With {@code copyOnWrite}, the mapping is private: its buffers are
 * writable, and a write changes only this process's copy of the page, never the file. Mapping a
 * file privately needs it to be openable for writing (nothing is ever written); where it is not (a
 * read-only file or file system), the buffers are read-only and {@link #isCopyOnWrite()} says so.
 * Either way the file must not be truncated or changed in place while mapped (odyssey's own saves
 * replace files by renaming a new one over them, which is safe).
 *
 * <p>Tensors of more than {@link Integer#MAX_VALUE} bytes, empty tensors and tensors held in memory
 * are not mapped: {@link #data(String)} returns {@code null} for them.
 */
public final class MappedTensors implements Closeable {

    private static final long MAX_WINDOW = Integer.MAX_VALUE;

    private final Map<String, ByteBuffer> slices = new LinkedHashMap<>();
    private final Map<String, Long> fileOffsets = new LinkedHashMap<>();
    private final Map<String, TensorFileReader> readers = new LinkedHashMap<>();
    private final Map<TensorFileReader, Long> mappedEnds = new LinkedHashMap<>();
    private final List<MappedByteBuffer> mappings = new ArrayList<>();
    private final AtomicInteger references = new AtomicInteger(1);
    private boolean copyOnWrite;
    private boolean closed;

    private MappedTensors() {}

    /**
     * Maps the data of a loaded checkpoint's tensors.
     *
     * @param checkpoint a checkpoint from {@link TensorFile#load}, still open
     * @param copyOnWrite whether to map privately, so that the buffers are writable without
     *     changing the file
     * @return the mapping, holding one reference for the caller
     * @throws IOException if a file cannot be mapped
     */
    public static MappedTensors map(TensorFile checkpoint, boolean copyOnWrite) throws IOException {
        Map<TensorFileReader, List<String>> byReader = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
            Tensor tensor = entry.getValue();
            if (tensor.source() != null
                    && tensor.byteSize() > 0
                    && tensor.byteSize() <= MAX_WINDOW
                    && !tensor.storage()
                            .compressed()) { // compressed tensors are decoded, not mapped
                byReader.computeIfAbsent(tensor.source(), r -> new ArrayList<>())
                        .add(tensor.sourceName());
            }
        }
        MappedTensors mapped = new MappedTensors();
        mapped.copyOnWrite = copyOnWrite;
        try {
            for (Map.Entry<TensorFileReader, List<String>> entry : byReader.entrySet()) {
                mapped.mapFile(entry.getKey(), entry.getValue());
            }
            return mapped;
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private void mapFile(TensorFileReader reader, List<String> names) throws IOException {
        List<TensorEntry> entries = new ArrayList<>();
        for (String name : names) {
            entries.add(reader.entryOf(name));
        }
        entries.sort(Comparator.comparingLong(TensorEntry::begin));
        FileChannel writable = null;
        if (copyOnWrite) {
            try {
                // Java maps privately only through a channel open for writing; nothing is written.
                writable =
                        FileChannel.open(
                                reader.file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (FileSystemException | UnsupportedOperationException e) {
                copyOnWrite = false;
            }
        }
        try {
            if (writable != null) {
                checkSameFile(reader);
            }
            int first = 0;
            while (first < entries.size()) {
                long windowBegin = entries.get(first).begin();
                int last = first;
                while (last + 1 < entries.size()
                        && entries.get(last + 1).end() - windowBegin <= MAX_WINDOW) {
                    last++;
                }
                long length = entries.get(last).end() - windowBegin;
                long position = reader.dataStart() + windowBegin;
                MappedByteBuffer window = mapWindow(reader, writable, position, length);
                mappings.add(window);
                mappedEnds.merge(reader, position + length, Math::max);
                for (int i = first; i <= last; i++) {
                    TensorEntry entry = entries.get(i);
                    ByteBuffer slice =
                            window.slice(
                                            (int) (entry.begin() - windowBegin),
                                            (int) entry.byteSize())
                                    .order(ByteOrder.LITTLE_ENDIAN);
                    slices.put(entry.name(), slice);
                    fileOffsets.put(entry.name(), reader.dataStart() + entry.begin());
                    readers.put(entry.name(), reader);
                }
                first = last + 1;
            }
        } finally {
            if (writable != null) {
                writable.close(); // the mapping outlives the channel
            }
        }
    }

    /** Refuses a path that no longer names the file the reader opened (replaced meanwhile). */
    private static void checkSameFile(TensorFileReader reader) throws IOException {
        Object opened = reader.fileKey();
        if (opened != null && !opened.equals(TensorFileReader.fileKeyOf(reader.file()))) {
            throw new TensorFileFormatException(
                    Kind.FILE_CHANGED,
                    reader.file(),
                    null,
                    "the path names another file than the one loaded (replaced since); load it"
                            + " again");
        }
    }

    /**
     * Maps one window, after checking that the file still holds it: mapping a region beyond the end
     * would extend the file on disk (a private mapping through a writable channel) or fail.
     */
    private static MappedByteBuffer mapWindow(
            TensorFileReader reader, FileChannel writable, long position, long length)
            throws IOException {
        long end = position + length;
        long size = reader.channel().size();
        if (writable != null) {
            size = Math.min(size, writable.size());
        }
        if (size < end) {
            throw new TensorFileFormatException(
                    Kind.FILE_CHANGED,
                    reader.file(),
                    null,
                    "the file holds "
                            + size
                            + " bytes, its tensors need "
                            + end
                            + " (truncated since it was loaded)");
        }
        try {
            return writable != null
                    ? writable.map(FileChannel.MapMode.PRIVATE, position, length)
                    : reader.channel().map(FileChannel.MapMode.READ_ONLY, position, length);
        } catch (IOException e) {
            throw new TensorFileFormatException(
                    Kind.MAP_FAILED,
                    reader.file(),
                    null,
                    "cannot map " + length + " bytes at " + position + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Returns a tensor's mapped data.
     *
     * @param name the tensor's name
     * @return a little-endian buffer over the mapping, writable when {@link #isCopyOnWrite()};
     *     {@code null} when the tensor is not mapped (empty, over 2 GiB, or held in memory)
     */
    public ByteBuffer data(String name) {
        ByteBuffer slice = slices.get(name);
        return slice == null ? null : slice.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Tells whether a tensor's mapped data start at an address that is a multiple of an alignment.
     * Mappings start at page boundaries, so this is the tensor's file offset modulo the alignment.
     *
     * @param name the tensor's name
     * @param alignment a power of two, at most the page size (4096)
     * @return true when the tensor is mapped and aligned
     */
    public boolean isAligned(String name, int alignment) {
        Long offset = fileOffsets.get(name);
        return offset != null && offset % alignment == 0;
    }

    /**
     * Tells whether the buffers are private copy-on-write views (writable without changing the
     * file) rather than read-only ones.
     *
     * @return true for a private mapping
     */
    public boolean isCopyOnWrite() {
        return copyOnWrite;
    }

    /**
     * Checks every mapped tensor against its checksum (where its file has checksums and
     * verification is on), over all cores: large tensors are split into chunks whose checksums are
     * combined.
     *
     * @throws IOException if a tensor is damaged, naming it and its file
     */
    public void verify() throws IOException {
        // The checksum runs in native code, where a read beyond a cut file kills the JVM.
        checkStillMapped();
        List<String> names = new ArrayList<>();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (Map.Entry<String, ByteBuffer> entry : slices.entrySet()) {
            if (readers.get(entry.getKey()).integrity() == Integrity.VERIFIED) {
                names.add(entry.getKey());
                buffers.add(entry.getValue().duplicate());
            }
        }
        int[] crcs = ParallelCrc32c.of(buffers);
        for (int i = 0; i < crcs.length; i++) {
            readers.get(names.get(i)).checkComputed(names.get(i), crcs[i]);
        }
    }

    /**
     * Runs work that reads the mapped buffers in Java (copies, conversions), after checking that no
     * file was cut since it was mapped, and turns the fault a read of a file cut meanwhile raises
     * ({@link InternalError}) into a typed error.
     *
     * @param reads the work
     * @throws TensorFileFormatException {@code FILE_CHANGED}, naming the file, if a file is shorter
     *     than its mapped data
     */
    public void read(Runnable reads) throws TensorFileFormatException {
        checkStillMapped();
        try {
            reads.run();
        } catch (InternalError e) {
            TensorFileFormatException cut = cutFile(e);
            if (cut == null) {
                throw e;
            }
            throw cut;
        }
    }

    private void checkStillMapped() throws TensorFileFormatException {
        TensorFileFormatException cut = cutFile(null);
        if (cut != null) {
            throw cut;
        }
    }

    /** Returns the error for the first mapped file now shorter than its mapped data, or null. */
    private TensorFileFormatException cutFile(Throwable cause) {
        for (Map.Entry<TensorFileReader, Long> entry : mappedEnds.entrySet()) {
            TensorFileReader reader = entry.getKey();
            long size;
            try {
                size = reader.channel().size();
            } catch (IOException e) {
                size = -1;
            }
            if (size < entry.getValue()) {
                return new TensorFileFormatException(
                        Kind.FILE_CHANGED,
                        reader.file(),
                        null,
                        (size < 0
                                        ? "the file cannot be read"
                                        : "the file was cut to " + size + " bytes")
                                + " while mapped (its tensors need "
                                + entry.getValue()
                                + "); never truncate or rewrite a loaded file in place",
                        cause);
            }
        }
        return null;
    }

    /**
     * Takes a reference: the mapping stays until it is given back.
     *
     * @return this mapping
     * @throws IllegalStateException if the mapping is already unmapped
     */
    public MappedTensors retain() {
        while (true) {
            int count = references.get();
            if (count <= 0) {
                throw new IllegalStateException("the mapping is already released");
            }
            if (references.compareAndSet(count, count + 1)) {
                return this;
            }
        }
    }

    /**
     * Gives a reference back; the last one unmaps every file at once.
     *
     * @throws IllegalStateException if no reference is left to give back
     */
    public void release() {
        int count = references.decrementAndGet();
        if (count < 0) {
            throw new IllegalStateException("the mapping was released more often than retained");
        }
        if (count == 0) {
            slices.clear();
            for (MappedByteBuffer mapping : mappings) {
                Unmapper.unmap(mapping);
            }
            mappings.clear();
        }
    }

    /**
     * Tells whether the mapping is still in place (some reference is held).
     *
     * @return false once the last reference was given back
     */
    public boolean isMapped() {
        return references.get() > 0;
    }

    /** Gives back the reference {@link #map} returned; later calls do nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release();
    }
}
