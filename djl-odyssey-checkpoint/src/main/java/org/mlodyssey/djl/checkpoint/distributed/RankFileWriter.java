/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFileContent;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;

/**
 * Writes one rank's file of a distributed save (the shards this rank is the writer of, as a file of
 * the library's format) and describes it as the rank's manifest, with every chunk's block
 * checksums. The block checksums are computed on the common fork-join pool while the file is
 * written, so that they use a core the write leaves idle.
 */
final class RankFileWriter {

    private final SaveContext context;
    private final int blockBytes;
    private long fileNanos;
    private long checksumNanos;

    RankFileWriter(SaveContext context, int blockBytes) {
        this.context = context;
        this.blockBytes = blockBytes;
    }

    /**
     * Writes the file of the shards this rank writes (a replicated shard only on the lowest of its
     * ranks) and returns the manifest describing it.
     *
     * @throws DistributedCheckpointException of kind {@code OVERLAPPING_CHUNKS} if the rank passes
     *     one slice twice
     */
    RankManifest write(List<TensorShard> shards) throws IOException {
        int rank = context.rank();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<TensorShard> written = new ArrayList<>();
        for (TensorShard shard : shards) {
            if (shard.writerRank(rank) != rank) {
                continue;
            }
            String fileTensor = fileTensorName(shard);
            Tensor tensor = Tensor.of(shard.dtype(), shard.slice().sizes(), shard.data());
            if (tensors.put(fileTensor, tensor) != null) {
                throw new DistributedCheckpointException(
                        Kind.OVERLAPPING_CHUNKS,
                        context.location(),
                        shard.name(),
                        rank,
                        null,
                        "the rank passes slice " + shard.slice() + " twice");
            }
            written.add(shard);
        }
        TensorFileContent content =
                TensorFileWriter.plainContent(
                        tensors,
                        Map.of(
                                DistributedCheckpointWriter.SAVE_ID_KEY,
                                context.saveId(),
                                DistributedCheckpointWriter.RANK_KEY,
                                Integer.toString(rank)));
        String fileKey = DistributedLayout.rankFile(rank, context.worldSize());
        List<CompletableFuture<int[]>> checksums = new ArrayList<>();
        for (TensorShard shard : written) {
            ByteBuffer data = shard.data();
            checksums.add(CompletableFuture.supplyAsync(() -> ChunkBlocks.crcs(data, blockBytes)));
        }
        long t0 = System.nanoTime();
        WrittenObject object;
        try {
            object = context.store().write(context.key(fileKey), content::writeTo);
        } catch (IOException | RuntimeException e) {
            checksums.forEach(checksum -> checksum.cancel(false));
            throw e;
        }
        long t1 = System.nanoTime();
        List<Chunk> chunks = new ArrayList<>();
        long offset = content.dataStart();
        for (int i = 0; i < written.size(); i++) {
            TensorShard shard = written.get(i);
            long length = shard.data().remaining();
            chunks.add(
                    new Chunk(
                            shard.name(),
                            shard.dtype(),
                            shard.globalShape(),
                            shard.slice(),
                            rank,
                            fileKey,
                            fileTensorName(shard),
                            offset,
                            length,
                            blockBytes,
                            checksums.get(i).join()));
            offset += length;
        }
        fileNanos = t1 - t0;
        checksumNanos = System.nanoTime() - t1;
        RankFile file = new RankFile(rank, fileKey, object.size(), object.crc32c());
        return new RankManifest(context.saveId(), rank, context.worldSize(), file, chunks);
    }

    /** Returns how long writing the file took. */
    long fileNanos() {
        return fileNanos;
    }

    /** Returns how long the block checksums took to finish once the file was written. */
    long checksumNanos() {
        return checksumNanos;
    }

    /**
     * Names a chunk inside its rank's file: the tensor's name, {@code @}, and the slice's offsets
     * ({@code fc.weight@0,512}).
     */
    static String fileTensorName(TensorShard shard) {
        StringBuilder sb = new StringBuilder(shard.name()).append('@');
        long[] offsets = shard.slice().offsets();
        for (int d = 0; d < offsets.length; d++) {
            sb.append(d == 0 ? "" : ",").append(offsets[d]);
        }
        return sb.toString();
    }
}
