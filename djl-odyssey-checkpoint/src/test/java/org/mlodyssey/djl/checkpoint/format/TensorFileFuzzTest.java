/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/**
 * Fuzzes the named-tensor reader: any bytes, opened with and without verification, every tensor
 * read and checked, and once more verified after its header is sealed with its own checksum. The
 * only failure allowed is a {@link TensorFileFormatException}; anything else (another exception, an
 * {@link OutOfMemoryError} in the 256 MiB fuzz JVM, a hang) is a finding. Seeds: {@code
 * TensorFileFuzzTestInputs/fuzz/}, files written by the writer.
 */
class TensorFileFuzzTest {

    private static final Path FILE = FuzzFiles.scratch("tensor-fuzz.safetensors");

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        for (boolean verify : new boolean[] {false, true}) {
            load(verify);
        }
        // A mutated header almost never matches its checksum, so the verified reads above stop
        // at the header: when it parses, seal it with its own checksum and read every tensor
        // through the verified path, so that data ranges and tensor checksums get fuzzed too.
        byte[] sealed = resealed(bytes);
        if (sealed != null) {
            Files.write(FILE, sealed);
            load(true);
        }
    }

    private static void load(boolean verify) throws IOException {
        ReadOptions options = ReadOptions.builder().optVerify(verify).build();
        try (TensorFile checkpoint = TensorFile.load(FILE, options)) {
            checkpoint.metadata();
            for (Tensor tensor : checkpoint.tensors().values()) {
                if (tensor.byteSize() <= 1 << 20) {
                    tensor.data();
                }
                tensor.verify();
            }
            checkpoint.verify();
        } catch (TensorFileFormatException expected) {
            // a typed error: what a malformed file must give
        }
    }

    /**
     * Rewrites the file in {@link #FILE} with its header's checksum set to the header's own.
     *
     * @return the new bytes, or {@code null} when the header does not parse or the file is no
     *     version 1 file
     */
    private static byte[] resealed(byte[] bytes) throws IOException {
        TensorHeader header;
        try (TensorFileReader reader =
                TensorFileReader.open(FILE, false, TensorHeader.DEFAULT_MAX_HEADER_BYTES)) {
            if (reader.formatVersion() < 1) {
                return null;
            }
            header = reader.header();
            Map<String, String> metadata = new TreeMap<>(header.metadata());
            metadata.put(
                    FormatKeys.HEADER_CRC32C,
                    FormatKeys.hex(header.canonicalCrc32c(Set.of(FormatKeys.HEADER_CRC32C))));
            byte[] json = TensorHeader.of(header.entries(), metadata, header.dataLength()).encode();
            int dataStart = (int) reader.dataStart();
            return ByteBuffer.allocate(8 + json.length + bytes.length - dataStart)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(json.length)
                    .put(json)
                    .put(bytes, dataStart, bytes.length - dataStart)
                    .array();
        } catch (TensorFileFormatException e) {
            return null;
        }
    }
}
