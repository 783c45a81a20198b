/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import org.mlodyssey.djl.io.BoundedReadException.Kind;

/**
 * The one way this project reads a small file it did not necessarily write (a manifest, a trainer
 * state, a shard index, a mapping or class-name file), and opens a data file: in bounded time and
 * memory, whatever the path turns out to be.
 *
 * <ul>
 *   <li>Only a regular file is opened. The path's type is read first (following symbolic links,
 *       which never blocks): a directory, a FIFO, a device such as {@code /dev/zero} or a socket is
 *       refused at once with {@link Kind#NOT_A_REGULAR_FILE}, so opening a FIFO can never wait for
 *       a writer. (A file swapped for a FIFO between that check and the open is a race this cannot
 *       close from Java; it needs write access to the directory.)
 *   <li>The size is checked against the caller's cap before anything is read or allocated, and
 *       again while reading, so a file that grows is cut off: {@link Kind#TOO_LARGE}. A sparse file
 *       of any apparent size costs nothing.
 *   <li>Text is strict UTF-8: the first malformed byte fails with {@link Kind#INVALID_UTF8} and its
 *       byte offset, never a replacement character.
 * </ul>
 *
 * A missing file is reported as the usual {@link java.nio.file.NoSuchFileException}.
 */
public final class BoundedFiles {

    private static final int CHUNK = 1 << 16;

    private BoundedFiles() {}

    /**
     * Checks that a path is a regular file, following symbolic links, without opening it.
     *
     * @param file the path
     * @return its attributes
     * @throws BoundedReadException with {@link Kind#NOT_A_REGULAR_FILE} for anything else
     * @throws IOException if the path does not exist or cannot be examined
     */
    public static BasicFileAttributes requireRegularFile(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new BoundedReadException(
                    Kind.NOT_A_REGULAR_FILE,
                    file,
                    -1,
                    "is "
                            + describe(attributes)
                            + ", not a regular file; replace it with the file itself");
        }
        return attributes;
    }

    private static String describe(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        return attributes.isOther()
                ? "a FIFO, device or socket"
                : "neither a regular file nor a directory";
    }

    /**
     * Opens a regular file for reading, refusing anything else without blocking.
     *
     * @param file the file
     * @return a channel positioned at the start of the file
     * @throws BoundedReadException with {@link Kind#NOT_A_REGULAR_FILE} if it is not a regular file
     * @throws IOException if the file does not exist or cannot be opened
     */
    public static FileChannel openRegular(Path file) throws IOException {
        requireRegularFile(file);
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Reads a whole regular file of at most {@code maxBytes} bytes.
     *
     * @param file the file
     * @param maxBytes the largest size accepted
     * @return the file's bytes
     * @throws BoundedReadException if the file is not a regular file or is larger than {@code
     *     maxBytes}
     * @throws IOException if the file does not exist or reading fails
     */
    public static byte[] readBytes(Path file, int maxBytes) throws IOException {
        try (FileChannel channel = openRegular(file)) {
            long size = channel.size();
            if (size > maxBytes) {
                throw tooLarge(file, maxBytes, Long.toString(size));
            }
            // Start at the size the file has now, then read until the end, so that a file that
            // grows meanwhile is noticed rather than cut silently.
            byte[] bytes = new byte[(int) Math.min(size + 1, (long) maxBytes + 1)];
            int filled = 0;
            while (true) {
                if (filled == bytes.length) {
                    if (filled > maxBytes) {
                        throw tooLarge(file, maxBytes, "more than " + maxBytes);
                    }
                    bytes = Arrays.copyOf(bytes, (int) Math.min(2L * filled + 1, maxBytes + 1L));
                }
                int n = channel.read(ByteBuffer.wrap(bytes, filled, bytes.length - filled));
                if (n < 0) {
                    break;
                }
                filled += n;
            }
            return filled == bytes.length ? bytes : Arrays.copyOf(bytes, filled);
        }
    }

    private static BoundedReadException tooLarge(Path file, int maxBytes, String size) {
        return new BoundedReadException(
                Kind.TOO_LARGE,
                file,
                -1,
                "is " + size + " bytes, more than the " + maxBytes + " this file may have");
    }

    /**
     * Reads a whole regular file of at most {@code maxBytes} bytes as strict UTF-8.
     *
     * @param file the file
     * @param maxBytes the largest size accepted, in bytes
     * @return the text
     * @throws BoundedReadException if the file is not a regular file, is too large or is not valid
     *     UTF-8 (naming the offset of the first bad byte)
     * @throws IOException if the file does not exist or reading fails
     */
    public static String readUtf8(Path file, int maxBytes) throws IOException {
        return decodeUtf8(readBytes(file, maxBytes), file);
    }

    /**
     * Decodes bytes as strict UTF-8.
     *
     * @param bytes the bytes
     * @param file the file they came from, for the message
     * @return the text
     * @throws BoundedReadException with {@link Kind#INVALID_UTF8} and the offset of the first bad
     *     byte
     */
    public static String decodeUtf8(byte[] bytes, Path file) throws BoundedReadException {
        checkUtf8(bytes, file);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Checks that bytes are strict UTF-8, in constant extra memory.
     *
     * @param bytes the bytes
     * @param file the file they came from, for the message
     * @throws BoundedReadException with {@link Kind#INVALID_UTF8} and the offset of the first bad
     *     byte
     */
    public static void checkUtf8(byte[] bytes, Path file) throws BoundedReadException {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(CHUNK);
        while (true) {
            out.clear();
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new BoundedReadException(
                        Kind.INVALID_UTF8,
                        file,
                        in.position(),
                        String.format(
                                "is not valid UTF-8: byte 0x%02x at offset %d",
                                bytes[in.position()] & 0xff, in.position()));
            }
            if (result.isUnderflow()) {
                break;
            }
        }
        out.clear();
        CoderResult end = decoder.flush(out);
        if (end.isError()) {
            throw new BoundedReadException(
                    Kind.INVALID_UTF8,
                    file,
                    bytes.length,
                    "is not valid UTF-8: it ends inside a character");
        }
    }
}
