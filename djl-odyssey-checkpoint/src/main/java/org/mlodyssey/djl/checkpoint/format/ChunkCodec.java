/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/**
 * Compresses and decompresses one chunk with zstd (zstd-jni), never trusting a frame: decompression
 * writes into a destination of exactly the size the chunk table gives and checks the size it
 * yields, so a frame that lies about its size or expands without bound fails with a typed error in
 * bounded memory.
 */
final class ChunkCodec {

    /** The codec id files record for zstd. */
    static final String ZSTD = "zstd";

    /** One compression context per pool thread (those threads never end), reused per chunk. */
    private static final ThreadLocal<ZstdCompressCtx> CONTEXTS =
            ThreadLocal.withInitial(ZstdCompressCtx::new);

    /**
     * One decompression context per pool thread, reused per frame: a fresh context per frame (as
     * {@code Zstd.decompressByteArray} makes) costs a native allocation and initialisation that
     * show in the profile of a load.
     */
    private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESS_CONTEXTS =
            ThreadLocal.withInitial(ZstdDecompressCtx::new);

    /** zstd's {@code ZSTD_fast} strategy. */
    private static final int FAST_STRATEGY = 1;

    /** zstd's longest minimum match length ({@code ZSTD_MINMATCH_MAX}). */
    private static final int LONGEST_MIN_MATCH = 7;

    /** zstd's smallest match table ({@code ZSTD_HASHLOG_MIN}). */
    private static final int SMALLEST_HASH_LOG = 6;

    private ChunkCodec() {}

    /**
     * Compresses a chunk.
     *
     * @param src the (filtered) bytes, from index 0
     * @param n the number of bytes
     * @param level the zstd level
     * @return the frame, or {@code null} when it would not be smaller than the input
     * @throws IOException if zstd is not available or fails
     */
    static byte[] compress(byte[] src, int n, int level) throws IOException {
        requireAvailable();
        byte[] dst = new byte[(int) Zstd.compressBound(n)];
        long size;
        try {
            size = Zstd.compressByteArray(dst, 0, dst.length, src, 0, n, level);
        } catch (ZstdException e) {
            throw new IOException("zstd compression failed: " + e.getMessage(), e);
        }
        if (Zstd.isError(size)) {
            throw new IOException("zstd compression failed: " + Zstd.getErrorName(size));
        }
        return size < n ? Arrays.copyOf(dst, (int) size) : null;
    }

    /**
     * Compresses a chunk of {@code k} byte planes, each plane as its own frame, the frames one
     * after the other.
     *
     * @param src the filtered bytes, from index 0: {@code k} planes of {@code n / k} bytes
     * @param n the number of bytes, a multiple of {@code k}
     * @param k the number of planes
     * @param level the zstd level
     * @param matchSearch whether to search matches with the level's settings, or limited to long
     *     matches found by the fast strategy (see {@link Compression#withPlaneMatchSearch})
     * @return the frames, or {@code null} when they would not be smaller than the input
     * @throws IOException if zstd is not available or fails
     */
    static byte[] compressPlanes(byte[] src, int n, int k, int level, boolean matchSearch)
            throws IOException {
        requireAvailable();
        int plane = n / k;
        int bound = (int) Zstd.compressBound(plane);
        byte[] dst = new byte[Math.multiplyExact(bound, k)];
        int at = 0;
        boolean cached = ChunkPipeline.onPoolThread();
        ZstdCompressCtx ctx = cached ? CONTEXTS.get() : new ZstdCompressCtx();
        try {
            ctx.reset();
            ctx.setLevel(level);
            if (!matchSearch) {
                // entropy coding does the work: few, long matches only (see Compression)
                ctx.setStrategy(FAST_STRATEGY).setMinMatch(LONGEST_MIN_MATCH);
                ctx.setHashLog(SMALLEST_HASH_LOG);
            }
            for (int p = 0; p < k; p++) {
                at += ctx.compressByteArray(dst, at, bound, src, p * plane, plane);
            }
        } catch (ZstdException e) {
            throw new IOException("zstd compression failed: " + e.getMessage(), e);
        } finally {
            if (!cached) {
                ctx.close();
            }
        }
        return at < n ? Arrays.copyOf(dst, at) : null;
    }

    /**
     * Decompresses a chunk into exactly {@code expected} bytes.
     *
     * @param src the frame, from index 0
     * @param srcLength the frame's length
     * @param dst receives the bytes, from index 0; at least {@code expected} long
     * @param expected the chunk's uncompressed size from its table
     * @param file the file, for error messages
     * @param subject the tensor and chunk, for error messages
     * @throws TensorFileFormatException if the frame declares or yields another size, or cannot be
     *     decoded
     * @throws IOException if zstd is not available
     */
    static void decompress(
            byte[] src, int srcLength, byte[] dst, int expected, Path file, String subject)
            throws IOException {
        requireAvailable();
        decompressFrame(src, 0, srcLength, dst, 0, expected, file, subject);
    }

    /**
     * Decompresses a chunk stored as {@code k} frames, one per byte plane, into exactly {@code
     * expected} bytes: frame {@code p} must yield exactly plane {@code p}'s {@code expected / k}
     * bytes, and the frames must cover the stored bytes exactly.
     *
     * @param src the frames, from index 0
     * @param srcLength their total length
     * @param dst receives the bytes, from index 0; at least {@code expected} long
     * @param expected the chunk's uncompressed size from its table, a multiple of {@code k}
     * @param k the number of planes
     * @param file the file, for error messages
     * @param subject the tensor and chunk, for error messages
     * @throws TensorFileFormatException if a frame is missing, declares or yields another size or
     *     cannot be decoded, or bytes follow the last frame
     * @throws IOException if zstd is not available
     */
    static void decompressPlanes(
            byte[] src, int srcLength, byte[] dst, int expected, int k, Path file, String subject)
            throws IOException {
        requireAvailable();
        int plane = expected / k;
        int at = 0;
        for (int p = 0; p < k; p++) {
            String where = subject + " plane " + p;
            if (at >= srcLength) {
                throw new TensorFileFormatException(
                        Kind.CORRUPT_CHUNK,
                        file,
                        where,
                        "the stored chunk ends after " + p + " of its " + k + " frames");
            }
            long frame;
            String reason = null;
            try {
                frame = Zstd.findFrameCompressedSize(src, at, srcLength - at);
                if (Zstd.isError(frame)) {
                    reason = Zstd.getErrorName(frame);
                }
            } catch (ZstdException e) {
                frame = -1;
                reason = e.getMessage();
            }
            if (reason != null || frame <= 0 || frame > srcLength - at) {
                throw new TensorFileFormatException(
                        Kind.CORRUPT_CHUNK,
                        file,
                        where,
                        "no complete zstd frame at stored byte "
                                + at
                                + (reason == null ? "" : ": " + reason));
            }
            decompressFrame(src, at, (int) frame, dst, p * plane, plane, file, where);
            at += (int) frame;
        }
        if (at != srcLength) {
            throw new TensorFileFormatException(
                    Kind.CORRUPT_CHUNK,
                    file,
                    subject,
                    (srcLength - at) + " stored bytes follow the last of its " + k + " frames");
        }
    }

    /** Decompresses one frame into exactly {@code expected} bytes of {@code dst} at an offset. */
    private static void decompressFrame(
            byte[] src,
            int srcOffset,
            int srcLength,
            byte[] dst,
            int dstOffset,
            int expected,
            Path file,
            String subject)
            throws TensorFileFormatException {
        long declared = Zstd.getFrameContentSize(src, srcOffset, srcLength);
        if (declared >= 0 && declared != expected) {
            throw new TensorFileFormatException(
                    Kind.DECOMPRESSED_SIZE_MISMATCH,
                    file,
                    subject,
                    "the frame declares " + declared + " bytes, the chunk table " + expected);
        }
        // A declared size of -1 is "unknown" (the frame is still bounded by dst below); -2 is an
        // unreadable frame header, which decompression reports as corruption.
        long size;
        long error = 0;
        String reason = null;
        boolean cached = ChunkPipeline.onPoolThread();
        ZstdDecompressCtx ctx = cached ? DECOMPRESS_CONTEXTS.get() : new ZstdDecompressCtx();
        try {
            size = ctx.decompressByteArray(dst, dstOffset, expected, src, srcOffset, srcLength);
            if (Zstd.isError(size)) {
                error = Zstd.getErrorCode(size);
                reason = Zstd.getErrorName(size);
            }
        } catch (ZstdException e) {
            size = -1;
            error = e.getErrorCode();
            reason = e.getMessage();
        } finally {
            if (!cached) {
                ctx.close();
            }
        }
        if (reason != null) {
            if (error == Zstd.errDstSizeTooSmall()) {
                throw new TensorFileFormatException(
                        Kind.DECOMPRESSED_SIZE_MISMATCH,
                        file,
                        subject,
                        "the frame expands beyond the " + expected + " bytes of the chunk table");
            }
            throw new TensorFileFormatException(
                    Kind.CORRUPT_CHUNK, file, subject, "zstd cannot decode the frame: " + reason);
        }
        if (size != expected) {
            throw new TensorFileFormatException(
                    Kind.DECOMPRESSED_SIZE_MISMATCH,
                    file,
                    subject,
                    "the frame yields " + size + " bytes, the chunk table says " + expected);
        }
    }

    private static void requireAvailable() throws IOException {
        Throwable failure = Availability.FAILURE;
        if (failure != null) {
            throw new IOException(
                    "zstd (zstd-jni) is not available on this platform, so compressed tensors"
                            + " can be neither written nor read: "
                            + failure,
                    failure);
        }
    }

    /** Loads the native library once, remembering why it could not be loaded. */
    private static final class Availability {

        static final Throwable FAILURE = probe();

        private static Throwable probe() {
            try {
                Zstd.compressBound(1);
                return null;
            } catch (LinkageError e) {
                return e;
            }
        }
    }
}
