/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint's mapped tensors: copy on write, counted references, parallel verification. */
class MappedTensorsTest {

    @TempDir Path dir;

    private Path save(String name) throws IOException {
        TensorFile checkpoint = new TensorFile();
        checkpoint.put(
                "a",
                Tensor.of(TensorDType.U8, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        checkpoint.put("empty", Tensor.of(TensorDType.F32, new long[] {0}, ByteBuffer.allocate(0)));
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(10).putInt(20);
        checkpoint.put("b", Tensor.of(TensorDType.I32, new long[] {2}, b.flip()));
        Path file = dir.resolve(name);
        checkpoint.save(file);
        return file;
    }

    @Test
    void aPrivateMappingIsWritableWithoutChangingTheFile() throws IOException {
        Path file = save("cow.safetensors");
        byte[] before = Files.readAllBytes(file);
        try (TensorFile checkpoint = TensorFile.load(file);
                MappedTensors mapped = MappedTensors.map(checkpoint, true)) {
            assertTrue(mapped.isCopyOnWrite());
            ByteBuffer b = mapped.data("b");
            assertEquals(10, b.getInt(0));
            b.putInt(0, -1);
            assertEquals(-1, mapped.data("b").getInt(0));
            assertNull(mapped.data("empty"), "empty tensors are not mapped");
            assertFalse(mapped.isAligned("b", 4), "b starts 3 bytes after a");
            assertTrue(mapped.isAligned("a", 1));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aReadOnlyMappingIsReadOnly() throws IOException {
        Path file = save("ro.safetensors");
        try (TensorFile checkpoint = TensorFile.load(file);
                MappedTensors mapped = MappedTensors.map(checkpoint, false)) {
            assertFalse(mapped.isCopyOnWrite());
            assertTrue(mapped.data("a").isReadOnly());
            assertArrayEquals(new byte[] {1, 2, 3}, bytes(mapped.data("a")));
        }
    }

    @Test
    void aFileTruncatedAfterTheLoadIsRefusedAndNotExtendedOnDisk() throws IOException {
        for (boolean copyOnWrite : new boolean[] {true, false}) {
            Path file = save("cut-" + copyOnWrite + ".safetensors");
            try (TensorFile checkpoint = TensorFile.load(file)) {
                truncate(file, 100);
                TensorFileFormatException e =
                        assertThrows(
                                TensorFileFormatException.class,
                                () -> MappedTensors.map(checkpoint, copyOnWrite));
                assertEquals(TensorFileFormatException.Kind.FILE_CHANGED, e.getKind());
                assertEquals(file, e.getFile());
            }
            assertEquals(100, Files.size(file), "the file must not grow");
        }
    }

    @Test
    void aFileReplacedAfterTheLoadIsRefused() throws IOException {
        Path file = save("replaced.safetensors");
        Path longer = dir.resolve("longer.safetensors");
        Files.write(longer, new byte[(int) Files.size(file) * 2]);
        try (TensorFile checkpoint = TensorFile.load(file)) {
            Files.move(longer, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> MappedTensors.map(checkpoint, true));
            assertEquals(TensorFileFormatException.Kind.FILE_CHANGED, e.getKind());
            assertEquals(file, e.getFile());
        }
    }

    @Test
    void readingAFileCutSinceItWasMappedIsATypedErrorNamingIt() throws IOException {
        Path file = save("cut-before-read.safetensors");
        try (TensorFile checkpoint = TensorFile.load(file);
                MappedTensors mapped = MappedTensors.map(checkpoint, false)) {
            truncate(file, 100);
            ByteBuffer target = ByteBuffer.allocateDirect(8);
            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> mapped.read(() -> target.put(mapped.data("b"))));
            assertEquals(TensorFileFormatException.Kind.FILE_CHANGED, e.getKind());
            assertEquals(file, e.getFile());
            assertEquals(0, target.position(), "nothing was read");
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void theLastReferenceUnmapsAndTheMappingOutlivesTheCheckpoint()
            throws IOException, InterruptedException {
        Path file = save("refs.safetensors");
        long count = MappedPool.settle();
        MappedTensors mapped;
        try (TensorFile checkpoint = TensorFile.load(file)) {
            mapped = MappedTensors.map(checkpoint, true);
        }
        assertEquals(count + 1, MappedPool.count(), "one mapping for the file");
        mapped.retain();
        mapped.close();
        mapped.close(); // the owner's reference goes once
        assertTrue(mapped.isMapped());
        assertEquals(20, mapped.data("b").getInt(4), "valid after the checkpoint closed");
        mapped.release();
        assertFalse(mapped.isMapped());
        assertEquals(count, MappedPool.count(), "unmapped at once");
        assertThrows(IllegalStateException.class, mapped::retain);
        assertThrows(IllegalStateException.class, mapped::release);
    }

    @Test
    void aThousandMapsLeaveNoMapping() throws IOException, InterruptedException {
        Path file = save("cycles.safetensors");
        long count = MappedPool.settle();
        long bytes = MappedPool.bytes();
        try (TensorFile checkpoint = TensorFile.load(file)) {
            for (int i = 0; i < 1000; i++) {
                MappedTensors mapped = MappedTensors.map(checkpoint, i % 2 == 0);
                assertEquals(3, mapped.data("a").get(2));
                mapped.close();
                assertFalse(mapped.isMapped());
            }
        }
        assertEquals(count, MappedPool.count());
        assertEquals(bytes, MappedPool.bytes());
    }

    @Test
    void verificationNamesTheDamagedTensorAndCanBeTurnedOff() throws IOException {
        Path file = save("damaged.safetensors");
        byte[] content = Files.readAllBytes(file);
        content[content.length - 1] ^= 1; // the last byte of b
        Files.write(file, content);
        try (TensorFile checkpoint = TensorFile.load(file);
                MappedTensors mapped = MappedTensors.map(checkpoint, false)) {
            TensorFileFormatException e =
                    assertThrows(TensorFileFormatException.class, mapped::verify);
            assertEquals(TensorFileFormatException.Kind.CHECKSUM_MISMATCH, e.getKind());
            assertEquals("b", e.getSubject());
        }
        ReadOptions off = ReadOptions.builder().optVerify(false).build();
        try (TensorFile checkpoint = TensorFile.load(file, off);
                MappedTensors mapped = MappedTensors.map(checkpoint, false)) {
            mapped.verify();
        }
    }
}
