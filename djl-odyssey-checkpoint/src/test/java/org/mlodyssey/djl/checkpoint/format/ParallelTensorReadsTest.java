/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.ObjectReaderChannel;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;

/**
 * Reading many tensors at once decodes them all correctly (compressed of one or many chunks, stored
 * as they are, held in memory, empty), checks every checksum, and fails on a damaged tensor among
 * thirty with the typed error a read of that tensor alone gives, leaving no job running.
 */
class ParallelTensorReadsTest {

    private static final int CHUNK = Compression.MIN_CHUNK_BYTES;

    @TempDir Path dir;

    /** Thirty float tensors of one to five chunks, an empty one and an integer one. */
    private static Map<String, Tensor> tensors() {
        Random random = new Random(7);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int t = 0; t < 30; t++) {
            int count = (t % 3 == 0 ? 5 * CHUNK : t % 3 == 1 ? CHUNK / 2 : CHUNK + 12) / 4 + t;
            ByteBuffer data = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                data.putFloat((float) (random.nextGaussian() * 0.02));
            }
            tensors.put("t" + t, Tensor.of(TensorDType.F32, new long[] {count}, data.flip()));
        }
        tensors.put("empty", Tensor.of(TensorDType.F32, new long[] {0}, ByteBuffer.allocate(0)));
        ByteBuffer random32 = ByteBuffer.allocate(4000);
        random.nextBytes(random32.array());
        tensors.put("noise", Tensor.of(TensorDType.I32, new long[] {1000}, random32));
        return tensors;
    }

    private Path save(Map<String, Tensor> tensors, Compression compression) throws IOException {
        TensorFile checkpoint = new TensorFile();
        tensors.forEach(checkpoint::put);
        Path file = dir.resolve("c.safetensors");
        checkpoint.save(
                file,
                WriteOptions.builder()
                        .optDurable(false)
                        .optCompression(
                                compression.enabled()
                                        ? compression.withChunkBytes(CHUNK)
                                        : compression)
                        .build());
        return file;
    }

    private static List<ByteBuffer> targets(List<Tensor> tensors) {
        List<ByteBuffer> targets = new ArrayList<>();
        for (Tensor tensor : tensors) {
            // offset by 3 bytes: a target is filled from its position
            ByteBuffer target = ByteBuffer.allocateDirect((int) tensor.byteSize() + 3);
            target.position(3);
            targets.add(target);
        }
        return targets;
    }

    private static void assertSameData(Map<String, Tensor> expected, List<ByteBuffer> targets)
            throws IOException {
        int t = 0;
        for (Map.Entry<String, Tensor> entry : expected.entrySet()) {
            ByteBuffer target = targets.get(t++);
            assertEquals(3, target.position(), "the target's position moved");
            assertEquals(entry.getValue().data(), target.slice(), entry.getKey());
        }
    }

    @Test
    void copiesEveryTensorOfACompressedFile() throws IOException {
        Map<String, Tensor> expected = tensors();
        try (TensorFile loaded = TensorFile.load(save(expected, Compression.zstd(3)))) {
            assertTrue(loaded.get("t1").storage().compressed());
            assertTrue(loaded.get("t0").storage().chunks() > 1);
            List<Tensor> tensors = new ArrayList<>(loaded.tensors().values());
            List<ByteBuffer> targets = targets(tensors);
            ParallelTensorReads.copy(tensors, targets);
            assertSameData(expected, targets);
            ParallelTensorReads.verify(tensors);
            loaded.verify();
        }
    }

    @Test
    void copiesPlainFilesAndTensorsHeldInMemory() throws IOException {
        Map<String, Tensor> expected = tensors();
        try (TensorFile loaded = TensorFile.load(save(expected, Compression.none()))) {
            List<Tensor> tensors = new ArrayList<>(loaded.tensors().values());
            List<ByteBuffer> targets = targets(tensors);
            ParallelTensorReads.copy(tensors, targets);
            assertSameData(expected, targets);
        }
        List<Tensor> inMemory = new ArrayList<>(expected.values());
        List<ByteBuffer> targets = targets(inMemory);
        ParallelTensorReads.copyUnchecked(inMemory, targets);
        assertSameData(expected, targets);
    }

    /** Flips bytes in the middle of one tensor's stored data. */
    private static void damage(Path file, String name) throws IOException {
        long at;
        int length;
        try (TensorFileReader reader = TensorFileReader.open(file)) {
            ChunkTable table = reader.tableOf(name);
            at = reader.dataStart() + table.storedOffset(0);
            length = table.storedLength(0);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer junk = ByteBuffer.allocate(64);
            new Random(3).nextBytes(junk.array());
            channel.write(junk, at + length / 2);
        }
    }

    @Test
    void aDamagedTensorAmongThirtyFailsAsItsOwnReadDoesAndLeavesNoJobRunning() throws IOException {
        Map<String, Tensor> expected = tensors();
        Path file = save(expected, Compression.zstd(3));
        damage(file, "t7");
        TensorFileFormatException alone;
        try (TensorFile loaded = TensorFile.load(file)) {
            alone =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> loaded.get("t7").copyTo(ByteBuffer.allocate(1 << 20)));
        }
        assertTrue(alone.getMessage().contains("t7"), alone.getMessage());
        try (TensorFile loaded = TensorFile.load(file)) {
            List<Tensor> tensors = new ArrayList<>(loaded.tensors().values());
            TensorFileFormatException together =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> ParallelTensorReads.copy(tensors, targets(tensors)));
            assertEquals(alone.getKind(), together.getKind());
            assertEquals(alone.getMessage(), together.getMessage());
            TensorFileFormatException verified =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> ParallelTensorReads.verify(tensors));
            assertEquals(alone.getMessage(), verified.getMessage());
            assertThrows(TensorFileFormatException.class, loaded::verify);
            // the pool is neither hung nor grown: the other tensors still read, on as many
            // threads as before
            List<Tensor> others = new ArrayList<>(tensors);
            others.remove(loaded.get("t7"));
            List<ByteBuffer> targets = targets(others);
            ParallelTensorReads.copy(others, targets);
            Map<String, Tensor> rest = new LinkedHashMap<>(expected);
            rest.remove("t7");
            assertSameData(rest, targets);
        }
        long workers =
                Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> thread.getName().equals("odyssey-chunks"))
                        .count();
        assertTrue(
                workers <= Runtime.getRuntime().availableProcessors(), workers + " chunk threads");
    }

    @Test
    void aWrongChecksumAmongThirtyIsNamed() throws IOException {
        Map<String, Tensor> expected = new LinkedHashMap<>(tensors());
        Path file = save(expected, Compression.none());
        long at;
        try (TensorFileReader reader = TensorFileReader.open(file)) {
            at = reader.dataStart() + reader.header().entry("t12").begin() + 5;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), at);
        }
        try (TensorFile loaded = TensorFile.load(file)) {
            List<Tensor> tensors = new ArrayList<>(loaded.tensors().values());
            TensorFileFormatException thrown =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> ParallelTensorReads.copy(tensors, targets(tensors)));
            assertEquals(TensorFileFormatException.Kind.CHECKSUM_MISMATCH, thrown.getKind());
            assertTrue(thrown.getMessage().contains("t12"), thrown.getMessage());
            // unchecked, the same copy goes through
            ParallelTensorReads.copyUnchecked(tensors, targets(tensors));
        }
    }

    @Test
    void refusesATargetTooSmall() throws IOException {
        List<Tensor> tensors = new ArrayList<>(tensors().values());
        List<ByteBuffer> targets = targets(tensors);
        targets.set(4, ByteBuffer.allocate(3));
        assertThrows(
                IllegalArgumentException.class, () -> ParallelTensorReads.copy(tensors, targets));
        assertThrows(
                IllegalArgumentException.class,
                () -> ParallelTensorReads.copy(tensors, targets.subList(0, 3)));
    }

    /** An object read from a file, recording the length of every read and preferring a size. */
    private static final class RecordingObject implements ObjectReader {
        private final FileChannel file;
        private final int preferred;
        final List<Integer> reads = new CopyOnWriteArrayList<>();

        private final long size;

        RecordingObject(Path path, int preferred) throws IOException {
            this.file = FileChannel.open(path);
            this.size = file.size();
            this.preferred = preferred;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int preferredReadSize() {
            return preferred;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            reads.add(dst.remaining());
            return file.read(dst, position);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Reads of the data of a 10 MiB tensor stored as it is, from an object preferring a size. */
    private List<Integer> dataReads(int preferred) throws IOException {
        return dataReads(preferred, false);
    }

    /** As {@link #dataReads(int)}, copying the tensor, or only verifying it. */
    private List<Integer> dataReads(int preferred, boolean verifyOnly) throws IOException {
        int count = (10 << 20) / 4;
        ByteBuffer data = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(3);
        for (int i = 0; i < count; i++) {
            data.putFloat(random.nextFloat());
        }
        Map<String, Tensor> tensors =
                Map.of("w", Tensor.of(TensorDType.F32, new long[] {count}, data.flip()));
        Path file = save(tensors, Compression.none());
        RecordingObject object = new RecordingObject(file, preferred);
        try (TensorFileReader reader =
                TensorFileReader.open(
                        file,
                        new ObjectReaderChannel(object),
                        true,
                        TensorHeader.DEFAULT_MAX_HEADER_BYTES)) {
            object.reads.clear(); // the header's reads
            List<Tensor> read = List.of(reader.tensor("w"));
            if (verifyOnly) {
                ParallelTensorReads.verify(read);
            } else {
                List<ByteBuffer> targets = targets(read);
                ParallelTensorReads.copy(read, targets);
                assertSameData(tensors, targets);
            }
        }
        List<Integer> sorted = new ArrayList<>(object.reads);
        sorted.sort(Comparator.reverseOrder());
        return sorted;
    }

    @Test
    void readsAStoredObjectInPiecesOfItsPreferredSize() throws IOException {
        // a bucket that fetches 8 MiB at once: one read of 8 MiB, one of the 2 MiB left
        assertEquals(List.of(8 << 20, 2 << 20), dataReads(8 << 20));
        // no preference, or a smaller one: pieces of the local size
        List<Integer> local =
                List.of(ParallelTensorReads.PIECE, ParallelTensorReads.PIECE, 2 << 20);
        assertEquals(local, dataReads(0));
        assertEquals(local, dataReads(1 << 20));
        // a check without a target reads through its 4 MiB scratch buffer, whatever the object
        assertEquals(local, dataReads(8 << 20, true));
    }
}
