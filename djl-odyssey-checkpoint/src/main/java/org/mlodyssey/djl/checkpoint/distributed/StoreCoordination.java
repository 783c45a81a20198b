/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;

/**
 * Coordinates a save through the checkpoint's storage alone: each rank writes its manifest ({@code
 * rank-RRRRR-of-NNNNN.json}) after its file; the coordinator polls the store until every rank's
 * manifest of the same save is there (one listing per poll, then a read of each new manifest); the
 * other ranks poll until {@code metadata.json} is there. The pause between two polls is an eighth
 * of the time waited so far, at least 1 ms and at most 200 ms: a rank learns of what it waits for
 * at most about 12% later than it happened, and a long wait costs about 5 requests a second. Works
 * wherever the ranks share the store: one host's directory, a network filesystem, a bucket.
 */
public final class StoreCoordination implements SaveCoordination {

    private static final long SHORTEST_PAUSE_NANOS = 1_000_000;
    private static final long LONGEST_PAUSE_NANOS = 200_000_000;

    /** Creates the storage coordination. */
    public StoreCoordination() {}

    /**
     * {@inheritDoc} This rank's manifest of the same save id, left by an earlier attempt, is
     * refused: the coordinator may already have read it, so writing this rank's file again could
     * make a committed manifest describe other bytes.
     */
    @Override
    public void begin(SaveContext context) throws IOException {
        String key =
                context.key(DistributedLayout.rankManifest(context.rank(), context.worldSize()));
        Optional<byte[]> bytes = DistributedLayout.readSmall(context.store(), key);
        if (bytes.isEmpty()) {
            return;
        }
        String earlier;
        try {
            earlier = RankManifest.parse(bytes.get(), context.store().locationOf(key)).saveId();
        } catch (DistributedCheckpointException e) {
            return; // not a manifest this save could take: it is replaced
        }
        if (earlier.equals(context.saveId())) {
            throw new DistributedCheckpointException(
                    Kind.SAVE_ID_REUSED,
                    context.location(),
                    null,
                    context.rank(),
                    DistributedLayout.rankManifest(context.rank(), context.worldSize()),
                    "rank "
                            + context.rank()
                            + " already published save "
                            + context.saveId()
                            + " in an earlier attempt; retry the save under a new save id"
                            + " (optSaveId), on every rank");
        }
    }

    /** {@inheritDoc} */
    @Override
    public List<RankManifest> gather(SaveContext context, RankManifest mine) throws IOException {
        byte[] json = mine.toJson();
        context.store()
                .write(
                        context.key(DistributedLayout.rankManifest(mine.rank(), mine.worldSize())),
                        channel -> Channels.newOutputStream(channel).write(json));
        if (!context.isCoordinator()) {
            return List.of();
        }
        TreeMap<Integer, RankManifest> found = new TreeMap<>();
        TreeMap<Integer, String> stale = new TreeMap<>();
        long start = System.nanoTime();
        long deadline = start + context.timeout().toNanos();
        while (true) {
            Set<String> present = new HashSet<>();
            for (StoredObject object : context.store().list(context.key(""))) {
                present.add(object.key());
            }
            for (int rank = 0; rank < context.worldSize(); rank++) {
                String key = context.key(DistributedLayout.rankManifest(rank, context.worldSize()));
                if (found.containsKey(rank) || !present.contains(key)) {
                    continue;
                }
                Optional<byte[]> bytes = DistributedLayout.readSmall(context.store(), key);
                if (bytes.isEmpty()) {
                    continue;
                }
                RankManifest manifest =
                        RankManifest.parse(bytes.get(), context.store().locationOf(key));
                if (!manifest.saveId().equals(context.saveId())) {
                    stale.put(rank, manifest.saveId());
                } else {
                    stale.remove(rank);
                    found.put(rank, manifest);
                }
            }
            if (found.size() == context.worldSize()) {
                return new ArrayList<>(found.values());
            }
            if (System.nanoTime() >= deadline) {
                throw missing(context, found, stale);
            }
            pause(start, deadline);
        }
    }

    private static DistributedCheckpointException missing(
            SaveContext context,
            TreeMap<Integer, RankManifest> found,
            TreeMap<Integer, String> stale) {
        TreeSet<Integer> missing = new TreeSet<>();
        for (int rank = 0; rank < context.worldSize(); rank++) {
            if (!found.containsKey(rank)) {
                missing.add(rank);
            }
        }
        StringBuilder detail =
                new StringBuilder("ranks ")
                        .append(missing)
                        .append(" of ")
                        .append(context.worldSize())
                        .append(" did not publish their manifest (")
                        .append(
                                DistributedLayout.rankManifest(
                                        missing.first(), context.worldSize()))
                        .append(missing.size() > 1 ? ", ..." : "")
                        .append(") of save ")
                        .append(context.saveId())
                        .append(" within ")
                        .append(context.timeout().toMillis())
                        .append(" ms; nothing was committed");
        if (!stale.isEmpty()) {
            detail.append("; the manifests of ranks ")
                    .append(stale.keySet())
                    .append(" belong to another save (")
                    .append(stale.firstEntry().getValue())
                    .append(')');
        }
        return new DistributedCheckpointException(
                Kind.MISSING_RANKS,
                context.location(),
                null,
                missing.size() == 1 ? missing.first() : -1,
                null,
                detail.toString());
    }

    /** {@inheritDoc} The global metadata itself is the news: nothing more is written. */
    @Override
    public void announce(SaveContext context, boolean committed) {}

    /** {@inheritDoc} */
    @Override
    public void awaitCommit(SaveContext context) throws IOException {
        long start = System.nanoTime();
        long deadline = start + context.timeout().toNanos();
        String key = context.key(DistributedLayout.METADATA);
        while (true) {
            if (context.store().stat(key).isPresent()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new DistributedCheckpointException(
                        Kind.COMMIT_TIMEOUT,
                        context.location(),
                        null,
                        context.coordinatorRank(),
                        DistributedLayout.METADATA,
                        "the coordinator (rank "
                                + context.coordinatorRank()
                                + ") did not commit save "
                                + context.saveId()
                                + " within "
                                + context.timeout().toMillis()
                                + " ms");
            }
            pause(start, deadline);
        }
    }

    /** Sleeps an eighth of the time waited since {@code start}, within bounds and the deadline. */
    private static void pause(long start, long deadline) throws InterruptedIOException {
        long now = System.nanoTime();
        long nanos =
                Math.min(
                        Math.max(
                                SHORTEST_PAUSE_NANOS,
                                Math.min(LONGEST_PAUSE_NANOS, (now - start) / 8)),
                        Math.max(0, deadline - now));
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the other ranks");
        }
    }
}
