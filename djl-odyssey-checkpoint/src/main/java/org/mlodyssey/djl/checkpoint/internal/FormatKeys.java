/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/**
 * The {@code __metadata__} keys that djl-odyssey owns, and the version rules that go with them.
 *
 * <p>A file whose metadata has no {@link #FORMAT} key, nor any other of these keys, is a plain
 * safetensors file: it is read as format version 0, with integrity unchecked.
 */
public final class FormatKeys {

    /** Names the format; its value is {@link #FORMAT_NAME}. */
    public static final String FORMAT = "odyssey.format";

    /** The value of {@link #FORMAT}. */
    public static final String FORMAT_NAME = "djl-odyssey";

    /** The format version, a decimal integer. */
    public static final String FORMAT_VERSION = "odyssey.format_version";

    /** CRC32C of the header's canonical form, 8 lowercase hex digits. */
    public static final String HEADER_CRC32C = "odyssey.header_crc32c";

    /** CRC32C of each tensor's data in data order, 8 lowercase hex digits each, comma-separated. */
    public static final String TENSOR_CRC32C = "odyssey.tensor_crc32c";

    /** Identifies one sharded save; every shard and the index carry the same value. */
    public static final String SAVE_ID = "odyssey.save_id";

    /** A shard's place in its set, as {@code "<index>/<count>"}, 1-based. */
    public static final String SHARD = "odyssey.shard";

    /**
     * How each tensor of a compressed file is stored, one item per tensor in data order (format
     * version 2; see {@code docs/checkpoint-format.md}, section 9).
     */
    public static final String COMPRESSION = "odyssey.compression";

    /** The newest format version this library reads. */
    public static final int CURRENT_VERSION = 2;

    /** The version of files without compressed tensors: plain safetensors files. */
    public static final int UNCOMPRESSED_VERSION = 1;

    /** The version of files with compressed tensors. */
    public static final int COMPRESSED_VERSION = 2;

    /** The keys the writer computes; callers cannot set them. */
    public static final Set<String> RESERVED =
            Set.of(FORMAT, FORMAT_VERSION, HEADER_CRC32C, TENSOR_CRC32C, COMPRESSION);

    /** The keys the sharded writer adds to every shard; callers cannot set them either. */
    public static final Set<String> SHARD_KEYS = Set.of(SAVE_ID, SHARD);

    private FormatKeys() {}

    /**
     * Reads and checks the format version of a header's metadata.
     *
     * @param metadata the {@code __metadata__} map
     * @param file the file, for error messages
     * @return the version, or 0 for a plain safetensors file without odyssey metadata
     * @throws TensorFileFormatException if the version is invalid or newer than this reader, or if
     *     {@link #FORMAT} is missing while other keys of this class are present
     */
    public static int version(Map<String, String> metadata, Path file)
            throws TensorFileFormatException {
        return version(metadata, file, CURRENT_VERSION);
    }

    /**
     * Reads and checks the format version of a header's metadata as a reader of an older version
     * would (to test that older readers refuse newer files).
     *
     * @param metadata the {@code __metadata__} map
     * @param file the file, for error messages
     * @param supported the newest version the reader supports
     * @return the version, or 0 for a plain safetensors file without odyssey metadata
     * @throws TensorFileFormatException if the version is invalid or newer than {@code supported}
     */
    public static int version(Map<String, String> metadata, Path file, int supported)
            throws TensorFileFormatException {
        String format = metadata.get(FORMAT);
        if (format == null) {
            // A plain safetensors file has none of our keys. One that has some but lacks this one
            // is an odyssey file whose format key was damaged: reading it as plain would skip
            // every check and hand the damaged key to the caller as user metadata.
            for (String key : metadata.keySet()) {
                if (RESERVED.contains(key) || SHARD_KEYS.contains(key)) {
                    throw new TensorFileFormatException(
                            Kind.INVALID_METADATA,
                            file,
                            FORMAT,
                            "missing, though the file carries " + key);
                }
            }
            return 0;
        }
        if (!FORMAT_NAME.equals(format)) {
            throw new TensorFileFormatException(
                    Kind.INVALID_METADATA,
                    file,
                    FORMAT,
                    "expected \"" + FORMAT_NAME + "\", found \"" + format + "\"");
        }
        String text = metadata.get(FORMAT_VERSION);
        int version = -1;
        if (text != null && text.matches("[1-9][0-9]*")) {
            // ASCII digits only; a number too long for an int is simply a version from the future
            version = text.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(text);
        }
        if (version < 1) {
            throw new TensorFileFormatException(
                    Kind.INVALID_METADATA,
                    file,
                    FORMAT_VERSION,
                    "expected a positive integer, found " + (text == null ? "none" : text));
        }
        if (version > supported) {
            throw new TensorFileFormatException(
                    Kind.UNSUPPORTED_VERSION,
                    file,
                    FORMAT_VERSION,
                    "written by format version "
                            + text
                            + ", this reader supports up to "
                            + supported
                            + "; upgrade djl-odyssey");
        }
        return version;
    }

    /**
     * Formats a checksum as 8 lowercase hex digits.
     *
     * @param crc the checksum
     * @return the hex text
     */
    public static String hex(int crc) {
        String digits = Integer.toHexString(crc);
        return "00000000".substring(digits.length()) + digits;
    }

    /**
     * Parses a checksum written by {@link #hex(int)}.
     *
     * @param text the hex text
     * @param file the file, for error messages
     * @param field the metadata key, for error messages
     * @return the checksum
     * @throws TensorFileFormatException if the text is not 8 hex digits
     */
    public static int parseHex(String text, Path file, String field)
            throws TensorFileFormatException {
        if (text == null) {
            throw notHex(null, file, field);
        }
        return parseHex(text, 0, text.length(), file, field);
    }

    /**
     * Parses a checksum written by {@link #hex(int)} that lies within a longer text, such as one
     * item of a comma-separated list, without copying it out.
     *
     * @param text the text that holds the checksum
     * @param begin the index of its first character
     * @param end the index one past its last character
     * @param file the file, for error messages
     * @param field the metadata key, for error messages
     * @return the checksum
     * @throws TensorFileFormatException if the characters are not 8 lowercase hex digits
     */
    public static int parseHex(String text, int begin, int end, Path file, String field)
            throws TensorFileFormatException {
        if (end - begin != 8) {
            throw notHex(text.substring(begin, end), file, field);
        }
        int value = 0;
        for (int i = begin; i < end; i++) {
            char c = text.charAt(i);
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else {
                throw notHex(text.substring(begin, end), file, field);
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static TensorFileFormatException notHex(String found, Path file, String field) {
        return new TensorFileFormatException(
                Kind.INVALID_METADATA,
                file,
                field,
                "expected 8 lowercase hex digits, found " + found);
    }
}
