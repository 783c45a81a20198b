/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorFileContent;
import org.mlodyssey.djl.checkpoint.format.TensorFileWriter;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;

/**
 * Writes one rank's file of a distributed save (the shards this rank is the writer of, as a file of
 * the library's format) and describes it as the rank's manifest, with every chunk's block
 * checksums, computed as the bytes go into the file ({@link BlockChecksummingChannel}): the write
 * reads each byte from memory once for the file, its checksum and the block checksums (the tensors'
 * checksums in the file's header are computed before, in parallel).
 */
final class RankFileWriter {

    private final SaveContext context;
    private final int blockBytes;

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
        long[] starts = new long[written.size()];
        long[] lengths = new long[written.size()];
        long offset = content.dataStart();
        for (int i = 0; i < written.size(); i++) {
            starts[i] = offset;
            lengths[i] = written.get(i).data().remaining();
            offset += lengths[i];
        }
        BlockChecksummingChannel[] last = new BlockChecksummingChannel[1];
        WrittenObject object =
                context.store()
                        .write(
                                context.key(fileKey),
                                channel -> {
                                    // A store may call this again to retry: the last call counts.
                                    last[0] =
                                            new BlockChecksummingChannel(
                                                    channel, starts, lengths, blockBytes);
                                    content.writeTo(last[0]);
                                });
        if (last[0] == null || last[0].bytesWritten() != object.size()) {
            throw new IOException(
                    "The store committed "
                            + object.size()
                            + " bytes of "
                            + context.store().locationOf(context.key(fileKey))
                            + " but its content writer "
                            + (last[0] == null
                                    ? "was not called"
                                    : "last passed on " + last[0].bytesWritten() + " bytes"));
        }
        int[][] blockCrcs = last[0].blockCrcs();
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            TensorShard shard = written.get(i);
            chunks.add(
                    new Chunk(
                            shard.name(),
                            shard.dtype(),
                            shard.globalShape(),
                            shard.slice(),
                            rank,
                            fileKey,
                            fileTensorName(shard),
                            starts[i],
                            lengths[i],
                            blockBytes,
                            blockCrcs[i]));
        }
        RankFile file = new RankFile(rank, fileKey, object.size(), object.crc32c());
        return new RankManifest(context.saveId(), rank, context.worldSize(), file, chunks);
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
