/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.mlodyssey.djl.checkpoint.internal.ParallelCrc32c;
import org.mlodyssey.djl.checkpoint.internal.ReadSizePreference;

/**
 * Reads many tensors at once over all cores: the chunks of every compressed tensor and the pieces
 * of every tensor stored as it is become one stream of jobs (those of small tensors batched to
 * about a chunk per job), decoded (or read) in parallel, at most {@link ChunkPipeline#window()}
 * jobs at once, so that a checkpoint of many small tensors (each of one chunk) is decoded on all
 * cores, not one tensor after the other. Each job computes the checksum of its chunk; the checksums
 * of a tensor are combined in order and checked when its last chunk is done, so a damaged tensor
 * fails with the same typed error, naming it, as a read of it alone. A tensor read into a target
 * from an object in a bucket is read in pieces of the store's preferred read size, so that each
 * request is large and the store's own parallel ranges keep its connections busy.
 */
public final class ParallelTensorReads {

    /** The piece of a tensor stored as it is that one job reads. */
    static final int PIECE = ParallelCrc32c.CHUNK;

    /** The least uncompressed bytes of one job: pieces of small tensors are batched up to it. */
    static final int BATCH = Compression.DEFAULT_CHUNK_BYTES;

    private static final ThreadLocal<ByteBuffer> VERIFY_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(PIECE));

    private ParallelTensorReads() {}

    /**
     * Copies each tensor's data into the matching buffer, checking each lazily loaded tensor
     * against its checksum when its reader verifies (as {@link Tensor#copyTo} does).
     *
     * @param tensors the tensors
     * @param targets the buffers, one per tensor, each with room for its tensor's bytes from its
     *     position; positions do not move
     * @throws IOException if a file cannot be read or a tensor is damaged, naming it; no job is
     *     left running
     */
    public static void copy(List<Tensor> tensors, List<ByteBuffer> targets) throws IOException {
        run(tensors, targets, true, false);
    }

    /**
     * Copies each tensor's data into the matching buffer without checking checksums: for data
     * checked just before with {@link #verify(List)}.
     *
     * @param tensors the tensors
     * @param targets the buffers, one per tensor, each with room for its tensor's bytes from its
     *     position; positions do not move
     * @throws IOException if a file cannot be read or a chunk cannot be decoded, naming the tensor
     */
    public static void copyUnchecked(List<Tensor> tensors, List<ByteBuffer> targets)
            throws IOException {
        run(tensors, targets, false, false);
    }

    /**
     * Checks lazily loaded tensors against their checksums now, without keeping their data (as
     * {@link Tensor#verify()} does, for all of them at once, in bounded memory).
     *
     * @param tensors the tensors
     * @throws IOException if a file cannot be read or a tensor is damaged, naming it
     */
    public static void verify(List<Tensor> tensors) throws IOException {
        List<Tensor> checked = new ArrayList<>();
        for (Tensor tensor : tensors) {
            if (tensor.source() != null && tensor.source().integrity() == Integrity.VERIFIED) {
                checked.add(tensor);
            }
        }
        run(checked, null, true, false);
    }

    /**
     * Checks tensors of files with checksums against them, whether their readers verify on read or
     * not (as {@link TensorFileReader#verify()} does).
     */
    static void verifyStored(List<Tensor> tensors) throws IOException {
        run(tensors, null, true, true);
    }

    /** One job: a chunk of a compressed tensor, or a piece of one stored as it is. */
    private record Piece(int tensor, int index, long offset, int length, boolean last) {}

    /**
     * Reads the tensors into the targets (or only for their checksums, without targets).
     *
     * @param check whether to compute and check checksums
     * @param always whether to check them even where the reader does not verify on read
     */
    private static void run(
            List<Tensor> tensors, List<ByteBuffer> targets, boolean check, boolean always)
            throws IOException {
        if (targets != null) {
            checkTargets(tensors, targets);
        }
        List<Piece> pieces = new ArrayList<>();
        ChunkTable[] tables = new ChunkTable[tensors.size()];
        for (int t = 0; t < tensors.size(); t++) {
            Tensor tensor = tensors.get(t);
            if (tensor.source() != null) {
                tables[t] = tensor.source().tableOf(tensor.sourceName());
            }
            if (tables[t] != null && tables[t].chunkCount() > 0) {
                ChunkTable table = tables[t];
                for (int i = 0; i < table.chunkCount(); i++) {
                    pieces.add(
                            new Piece(
                                    t,
                                    i,
                                    (long) i * table.chunkBytes(),
                                    table.chunkLength(i),
                                    i == table.chunkCount() - 1));
                }
            } else {
                long size = tensor.byteSize();
                int piece = targets == null ? PIECE : pieceOf(tensor.source());
                int i = 0;
                long offset = 0;
                do { // an empty tensor gets one empty piece, so that its checksum is checked too
                    int length = (int) Math.min(piece, size - offset);
                    pieces.add(new Piece(t, i++, offset, length, offset + length >= size));
                    offset += length;
                } while (offset < size);
            }
        }
        // Small pieces (tensors of a few KiB) are batched into jobs of about a chunk, so that the
        // hand-off of each job does not cost more than its work.
        List<int[]> batches = new ArrayList<>(); // {first piece, end piece}
        for (int first = 0; first < pieces.size(); ) {
            int end = first;
            long bytes = 0;
            while (end < pieces.size() && (end == first || bytes < BATCH)) {
                bytes += pieces.get(end++).length();
            }
            batches.add(new int[] {first, end});
            first = end;
        }
        boolean[] crc = new boolean[tensors.size()];
        for (int t = 0; t < tensors.size(); t++) {
            TensorFileReader source = tensors.get(t).source();
            crc[t] =
                    check && source != null && (always || source.integrity() == Integrity.VERIFIED);
        }
        int[] crcs = new int[tensors.size()];
        ChunkPipeline.run(
                batches.size(),
                b ->
                        () -> {
                            int[] batch = batches.get(b);
                            int[] result = new int[batch[1] - batch[0]];
                            for (int j = batch[0]; j < batch[1]; j++) {
                                Piece piece = pieces.get(j);
                                int t = piece.tensor();
                                ByteBuffer region = null;
                                if (targets != null) {
                                    ByteBuffer target = targets.get(t);
                                    region =
                                            target.slice(
                                                    target.position() + (int) piece.offset(),
                                                    piece.length());
                                }
                                ChunkTable table =
                                        tables[t] == null || tables[t].chunkCount() == 0
                                                ? null
                                                : tables[t];
                                result[j - batch[0]] =
                                        read(tensors.get(t), table, piece, region, crc[t]);
                            }
                            return result;
                        },
                (b, result) -> {
                    int[] batch = batches.get(b);
                    for (int j = batch[0]; j < batch[1]; j++) {
                        Piece piece = pieces.get(j);
                        int t = piece.tensor();
                        int chunkCrc = result[j - batch[0]];
                        crcs[t] =
                                piece.index() == 0
                                        ? chunkCrc
                                        : ParallelCrc32c.combine(crcs[t], chunkCrc, piece.length());
                        Tensor tensor = tensors.get(t);
                        if (crc[t] && piece.last()) {
                            if (always) {
                                tensor.source().checkStored(tensor.sourceName(), crcs[t]);
                            } else {
                                tensor.source().checkComputed(tensor.sourceName(), crcs[t]);
                            }
                        }
                    }
                });
    }

    /**
     * Returns the piece of a tensor stored as it is that one job reads into its target: {@link
     * #PIECE}, or more where the file is an object in a store that prefers larger reads (a bucket,
     * where each read is a request and one large read is fetched in parallel ranges).
     */
    static int pieceOf(TensorFileReader source) {
        if (source != null && source.channel() instanceof ReadSizePreference stored) {
            return Math.max(PIECE, stored.preferredReadSize());
        }
        return PIECE;
    }

    /** Reads, decodes or copies one piece; returns its checksum when asked, else 0. */
    private static int read(
            Tensor tensor, ChunkTable table, Piece piece, ByteBuffer region, boolean crc)
            throws IOException {
        TensorFileReader source = tensor.source();
        if (table != null) {
            return source.chunkReader().decodeChunk(table, piece.index(), region, crc);
        }
        ByteBuffer bytes = region;
        if (source == null) {
            if (bytes != null) {
                ByteBuffer data = tensor.data();
                bytes.duplicate()
                        .put(data.slice(data.position() + (int) piece.offset(), piece.length()));
            }
            return 0;
        }
        if (bytes == null) {
            bytes = VERIFY_SCRATCH.get().clear().limit(piece.length());
        }
        source.readStored(tensor.sourceName(), piece.offset(), bytes.duplicate());
        if (!crc) {
            return 0;
        }
        CRC32C checksum = new CRC32C();
        checksum.update(bytes.duplicate());
        return (int) checksum.getValue();
    }

    private static void checkTargets(List<Tensor> tensors, List<ByteBuffer> targets) {
        if (tensors.size() != targets.size()) {
            throw new IllegalArgumentException(
                    tensors.size() + " tensors for " + targets.size() + " targets");
        }
        for (int t = 0; t < tensors.size(); t++) {
            if (targets.get(t).remaining() < tensors.get(t).byteSize()) {
                throw new IllegalArgumentException(
                        "target "
                                + t
                                + " has room for "
                                + targets.get(t).remaining()
                                + " bytes, its tensor holds "
                                + tensors.get(t).byteSize());
            }
        }
    }
}
