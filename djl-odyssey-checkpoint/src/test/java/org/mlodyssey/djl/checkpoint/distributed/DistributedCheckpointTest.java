/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;

/** Saves by several rank threads into a local directory, loads under other splits, and faults. */
class DistributedCheckpointTest {

    @TempDir Path dir;

    private static final List<Global> SET = GlobalTensors.standardSet();

    @Test
    void savedByFourLoadsBitIdenticalByOneTwoThreeAndEight() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            List<DistributedMetadata> all = RankThreads.save(store, "step-1", 4, SET, 64);
            for (DistributedMetadata metadata : all) {
                assertEquals(all.get(0).tensors().keySet(), metadata.tensors().keySet());
            }
            for (int m : new int[] {1, 2, 3, 4, 8}) {
                RankThreads.loadAndCompare(store, "step-1", m, SET);
            }
        }
    }

    @Test
    void replicatedTensorsAreWrittenOnceByTheLowestRank() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            DistributedMetadata metadata = RankThreads.save(store, "c", 3, SET, 64).get(0);
            TensorLayout replicated = metadata.tensors().get("replicated");
            assertEquals(1, replicated.chunks().size());
            assertEquals(0, replicated.chunks().get(0).rank());
            try (TensorFileReader rank1 =
                    TensorFileReader.open(
                            dir.resolve("c").resolve(DistributedLayout.rankFile(1, 3)))) {
                assertFalse(
                        rank1.header().entries().stream()
                                .anyMatch(e -> e.name().startsWith("replicated@")));
            }
        }
    }

    @Test
    void everyRankFileIsAValidFileOfTheFormat() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 2, SET, 64);
            try (TensorFileReader rank0 =
                    TensorFileReader.open(
                            dir.resolve("c").resolve(DistributedLayout.rankFile(0, 2)))) {
                rank0.verify();
                Global rows = SET.get(0);
                Slice first = GlobalTensors.split(rows, 2).get(0);
                ByteBuffer data = rank0.read("rows@0,0");
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                assertArrayEquals(GlobalTensors.cut(rows, first), bytes);
            }
        }
    }

    @Test
    void rowSlicesReadLittleMoreThanRequested() throws Exception {
        Global big = GlobalTensors.global("big", TensorDType.F32, 4096, 64);
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 4, List.of(big), 4096);
            try (DistributedCheckpointReader reader =
                    DistributedCheckpointReader.open(store, "c")) {
                // 3 rows of 1,365 rows each, across the writers' row boundaries.
                long requested = 0;
                for (Slice rows : GlobalTensors.grid(big.shape(), 3)) {
                    requested += reader.read("big", rows).capacity();
                }
                double ratio = (double) reader.bytesRead() / requested;
                System.out.printf(
                        "row slices: read %d of %d bytes (%.4f)%n",
                        reader.bytesRead(), requested, ratio);
                assertTrue(ratio <= 1.1, "ratio " + ratio);
            }
        }
    }

    @Test
    void aCorruptedChunkIsDetectedNamingTensorRankAndFile() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            DistributedMetadata metadata = RankThreads.save(store, "c", 2, SET, 64).get(0);
            Chunk chunk = metadata.tensors().get("wide").chunks().get(1);
            Path file = dir.resolve("c").resolve(chunk.file());
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                long at = chunk.byteOffset() + chunk.byteLength() - 1;
                channel.read(one, at);
                one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
                channel.write(one, at);
            }
            try (DistributedCheckpointReader reader =
                    DistributedCheckpointReader.open(store, "c")) {
                DistributedCheckpointException e =
                        assertThrows(
                                DistributedCheckpointException.class, () -> reader.read("wide"));
                assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind());
                assertEquals("wide", e.getTensor());
                assertEquals(chunk.rank(), e.getRank());
                assertEquals(chunk.file(), e.getFile());
                // A slice that does not touch the damaged block still loads.
                reader.read("wide", Slice.of(new long[] {0, 0}, new long[] {1, 4}));
                assertEquals(
                        Kind.FILE_MISMATCH,
                        assertThrows(DistributedCheckpointException.class, reader::verify)
                                .getKind());
            }
        }
    }

    @Test
    void aRankFileMissingAfterTheCommitIsNamed() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 3, SET, 64);
            Files.delete(dir.resolve("c").resolve(DistributedLayout.rankFile(2, 3)));
            DistributedCheckpointException e =
                    assertThrows(
                            DistributedCheckpointException.class,
                            () -> DistributedCheckpointReader.open(store, "c"));
            assertEquals(Kind.MISSING_FILE, e.getKind());
            assertEquals(2, e.getRank());
            assertTrue(e.getMessage().contains("rank-00002-of-00003.safetensors"), e.getMessage());
        }
    }

    @Test
    void aTruncatedRankFileIsRefused() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 2, SET, 64);
            Path file = dir.resolve("c").resolve(DistributedLayout.rankFile(1, 2));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() - 1);
            }
            assertEquals(
                    Kind.FILE_MISMATCH,
                    assertThrows(
                                    DistributedCheckpointException.class,
                                    () -> DistributedCheckpointReader.open(store, "c"))
                            .getKind());
        }
    }

    @Test
    void missingRanksTimeOutNamedAndNothingIsCommitted() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<DistributedMetadata> coordinator =
                        pool.submit(
                                () -> writer(store, 0, 4).save(GlobalTensors.shardsOf(SET, 0, 4)));
                Future<DistributedMetadata> rank1 =
                        pool.submit(
                                () -> writer(store, 1, 4).save(GlobalTensors.shardsOf(SET, 1, 4)));
                Exception e = assertThrows(Exception.class, coordinator::get);
                DistributedCheckpointException cause =
                        (DistributedCheckpointException) e.getCause();
                assertEquals(Kind.MISSING_RANKS, cause.getKind());
                assertTrue(cause.getMessage().contains("ranks [2, 3] of 4"), cause.getMessage());
                Exception other = assertThrows(Exception.class, rank1::get);
                assertEquals(
                        Kind.COMMIT_TIMEOUT,
                        ((DistributedCheckpointException) other.getCause()).getKind());
            } finally {
                pool.shutdownNow();
            }
            assertFalse(DistributedLayout.isCommitted(store, "c"));
            assertEquals(
                    Kind.NOT_COMMITTED,
                    assertThrows(
                                    DistributedCheckpointException.class,
                                    () -> DistributedCheckpointReader.open(store, "c"))
                            .getKind());
        }
    }

    @Test
    void overlappingSlicesOfTwoRanksAreNotCommitted() throws Exception {
        Global g = GlobalTensors.global("w", TensorDType.F32, 4, 4);
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Slice top = Slice.rows(g.shape(), 0, 3);
                Slice bottom = Slice.rows(g.shape(), 1, 3);
                Future<DistributedMetadata> r0 =
                        pool.submit(
                                () ->
                                        writer(store, 0, 2)
                                                .save(
                                                        List.of(
                                                                TensorShard.of(
                                                                        "w",
                                                                        g.dtype(),
                                                                        g.shape(),
                                                                        top,
                                                                        ByteBuffer.wrap(
                                                                                GlobalTensors.cut(
                                                                                        g,
                                                                                        top))))));
                pool.submit(
                        () ->
                                writer(store, 1, 2)
                                        .save(
                                                List.of(
                                                        TensorShard.of(
                                                                "w",
                                                                g.dtype(),
                                                                g.shape(),
                                                                bottom,
                                                                ByteBuffer.wrap(
                                                                        GlobalTensors.cut(
                                                                                g, bottom))))));
                Exception e = assertThrows(Exception.class, r0::get);
                assertEquals(
                        Kind.OVERLAPPING_CHUNKS,
                        ((DistributedCheckpointException) e.getCause()).getKind());
            } finally {
                pool.shutdownNow();
            }
            assertFalse(DistributedLayout.isCommitted(store, "c"));
        }
    }

    @Test
    void aCommittedCheckpointIsNotOverwritten() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 1, SET, 64);
            DistributedCheckpointException e =
                    assertThrows(
                            DistributedCheckpointException.class,
                            () -> writer(store, 0, 1).save(GlobalTensors.shardsOf(SET, 0, 1)));
            assertEquals(Kind.ALREADY_COMMITTED, e.getKind());
        }
    }

    @Test
    void unknownTensorsAndSlicesOutsideTheShapeAreRefused() throws Exception {
        try (CheckpointStore store = CheckpointStores.open(dir.toString())) {
            RankThreads.save(store, "c", 1, SET, 64);
            try (DistributedCheckpointReader reader =
                    DistributedCheckpointReader.open(store, "c")) {
                assertEquals(
                        Kind.UNKNOWN_TENSOR,
                        assertThrows(
                                        DistributedCheckpointException.class,
                                        () -> reader.read("nope"))
                                .getKind());
                assertEquals(
                        Kind.INVALID_SLICE,
                        assertThrows(
                                        DistributedCheckpointException.class,
                                        () ->
                                                reader.read(
                                                        "rows",
                                                        Slice.rows(new long[] {37, 12}, 30, 8)))
                                .getKind());
            }
        }
    }

    private static DistributedCheckpointWriter writer(CheckpointStore store, int rank, int world) {
        return DistributedCheckpointWriter.builder()
                .setStore(store)
                .setCheckpoint("c")
                .setRank(rank, world)
                .optTimeout(Duration.ofMillis(700))
                .build();
    }
}
