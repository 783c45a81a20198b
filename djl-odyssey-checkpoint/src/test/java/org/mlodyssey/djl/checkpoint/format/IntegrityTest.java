/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/** Every flipped bit and every truncation of a written file is detected. */
class IntegrityTest {

    @TempDir Path dir;

    private Path original;
    private byte[] bytes;
    private long dataStart;
    private TensorEntry[] entries;

    @BeforeEach
    void writeFile() throws IOException {
        Random random = new Random(42);
        TensorFile checkpoint = new TensorFile();
        byte[] a = new byte[24];
        byte[] b = new byte[8];
        byte[] c = new byte[3];
        random.nextBytes(a);
        random.nextBytes(b);
        random.nextBytes(c);
        checkpoint.put("a", Tensor.of(TensorDType.F32, new long[] {2, 3}, ByteBuffer.wrap(a)));
        checkpoint.put(
                "empty", Tensor.of(TensorDType.I64, new long[] {0, 4}, ByteBuffer.allocate(0)));
        checkpoint.put("b", Tensor.of(TensorDType.I64, new long[0], ByteBuffer.wrap(b)));
        checkpoint.put("c", Tensor.of(TensorDType.BOOL, new long[] {3}, ByteBuffer.wrap(c)));
        checkpoint.putMetadata("epoch", "12");
        original = dir.resolve("original.safetensors");
        checkpoint.save(original, WriteOptions.builder().optDurable(false).build());
        bytes = Files.readAllBytes(original);
        dataStart = 8 + ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        try (TensorFileReader reader = TensorFileReader.open(original)) {
            entries = reader.header().entries().toArray(new TensorEntry[0]);
        }
    }

    /** Loads a file completely: header, metadata and every tensor's data. */
    private static void loadEverything(Path path) throws IOException {
        try (TensorFile loaded = TensorFile.load(path)) {
            for (Tensor tensor : loaded.tensors().values()) {
                tensor.data();
            }
        }
    }

    private TensorFileFormatException assertDetected(byte[] damaged, String what)
            throws IOException {
        Path path = dir.resolve("damaged.safetensors");
        Files.write(path, damaged);
        try {
            loadEverything(path);
        } catch (TensorFileFormatException e) {
            return e;
        }
        fail("not detected: " + what);
        return null;
    }

    @Test
    void everyBitFlipInTheHeaderIsDetected() throws IOException {
        for (int i = 0; i < dataStart; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) (1 << bit);
                assertDetected(
                        damaged,
                        "bit " + bit + " of byte " + i + " ('" + (char) (bytes[i] & 0xff) + "')");
            }
        }
    }

    @Test
    void everyBitFlipInTheDataIsDetectedAndNamesTheTensor() throws IOException {
        for (TensorEntry entry : entries) {
            for (long i = entry.begin(); i < entry.end(); i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] damaged = bytes.clone();
                    damaged[(int) (dataStart + i)] ^= (byte) (1 << bit);
                    TensorFileFormatException e =
                            assertDetected(damaged, "bit " + bit + " of " + entry.name());
                    assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind(), e::getMessage);
                    assertEquals(entry.name(), e.getSubject(), e::getMessage);
                }
            }
        }
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        for (int length = 0; length < bytes.length; length++) {
            assertDetected(Arrays.copyOf(bytes, length), "truncated to " + length + " bytes");
        }
    }

    @Test
    void verifyDetectsADataFlipWithoutReadingTheData() throws IOException {
        TensorEntry last = entries[entries.length - 1];
        byte[] damaged = bytes.clone();
        damaged[(int) (dataStart + last.end() - 1)] ^= 1;
        Path path = dir.resolve("damaged.safetensors");
        Files.write(path, damaged);
        try (TensorFile loaded = TensorFile.load(path)) {
            TensorFileFormatException e =
                    assertThrows(TensorFileFormatException.class, loaded::verify);
            assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind());
            assertEquals(last.name(), e.getSubject());
        }
        try (TensorFile intact = TensorFile.load(original)) {
            intact.verify();
        }
    }

    @Test
    void aDataFlipPassesWhenVerificationIsOff() throws IOException {
        // the documented trade: with verification off, damage goes unnoticed
        byte[] damaged = bytes.clone();
        damaged[(int) dataStart] ^= 1;
        Path path = dir.resolve("damaged.safetensors");
        Files.write(path, damaged);
        ReadOptions off = ReadOptions.builder().optVerify(false).build();
        try (TensorFile loaded = TensorFile.load(path, off)) {
            assertEquals(Integrity.DISABLED, loaded.integrity());
            assertEquals(damaged[(int) dataStart], loaded.get(entries[0].name()).data().get(0));
        }
    }
}
