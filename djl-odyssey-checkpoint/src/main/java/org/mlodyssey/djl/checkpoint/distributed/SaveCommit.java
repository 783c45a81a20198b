/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;

/**
 * The commit point of a distributed save: refusing a checkpoint already committed, the
 * coordinator's validation of every rank's manifest and its write of the global metadata, and the
 * other ranks' reading it back.
 */
final class SaveCommit {

    private SaveCommit() {}

    /**
     * Refuses a checkpoint that already has its global metadata.
     *
     * @throws DistributedCheckpointException of kind {@code ALREADY_COMMITTED}
     */
    static void refuseCommitted(SaveContext context) throws IOException {
        if (context.store().stat(context.key(DistributedLayout.METADATA)).isPresent()) {
            throw new DistributedCheckpointException(
                    Kind.ALREADY_COMMITTED,
                    context.location(),
                    null,
                    context.rank(),
                    DistributedLayout.METADATA,
                    "the checkpoint is already committed; save under a new name");
        }
    }

    /**
     * Checks every rank's manifest against the save, validates the coverage of every tensor and
     * writes the global metadata: the commit.
     *
     * @param all every rank's manifest, in rank order
     * @return the committed metadata
     */
    static DistributedMetadata commit(SaveContext context, List<RankManifest> all)
            throws IOException {
        int worldSize = context.worldSize();
        List<Chunk> chunks = new ArrayList<>();
        List<RankFile> files = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            RankManifest manifest = all.get(r);
            if (manifest.rank() != r
                    || manifest.worldSize() != worldSize
                    || !manifest.saveId().equals(context.saveId())) {
                throw new DistributedCheckpointException(
                        Kind.MALFORMED_METADATA,
                        context.location(),
                        null,
                        manifest.rank(),
                        DistributedLayout.rankManifest(r, worldSize),
                        "manifest of rank "
                                + manifest.rank()
                                + " of "
                                + manifest.worldSize()
                                + ", save "
                                + manifest.saveId()
                                + " where rank "
                                + r
                                + " of "
                                + worldSize
                                + ", save "
                                + context.saveId()
                                + " was expected");
            }
            files.add(manifest.file());
            chunks.addAll(manifest.chunks());
        }
        DistributedMetadata metadata =
                new DistributedMetadata(
                        context.saveId(),
                        worldSize,
                        files,
                        CoverageValidator.validate(context.location(), chunks));
        byte[] json = metadata.toJson();
        context.store()
                .write(
                        context.key(DistributedLayout.METADATA),
                        channel -> Channels.newOutputStream(channel).write(json));
        return metadata;
    }

    /**
     * Reads the global metadata the coordinator committed.
     *
     * @return the metadata
     * @throws DistributedCheckpointException of kind {@code COMMIT_TIMEOUT} if another save
     *     committed the checkpoint
     */
    static DistributedMetadata readCommitted(SaveContext context) throws IOException {
        String key = context.key(DistributedLayout.METADATA);
        byte[] json =
                DistributedLayout.readSmall(context.store(), key)
                        .orElseThrow(
                                () ->
                                        new DistributedCheckpointException(
                                                Kind.NOT_COMMITTED,
                                                context.location(),
                                                null,
                                                -1,
                                                DistributedLayout.METADATA,
                                                "the global metadata vanished"));
        DistributedMetadata metadata =
                DistributedMetadata.parse(json, context.store().locationOf(key));
        if (!metadata.saveId().equals(context.saveId())) {
            throw new DistributedCheckpointException(
                    Kind.COMMIT_TIMEOUT,
                    context.location(),
                    null,
                    -1,
                    DistributedLayout.METADATA,
                    "the checkpoint was committed by save "
                            + metadata.saveId()
                            + ", not by "
                            + context.saveId());
        }
        return metadata;
    }
}
