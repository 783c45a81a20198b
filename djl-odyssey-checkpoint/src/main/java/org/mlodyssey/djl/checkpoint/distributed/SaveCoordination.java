/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.util.List;

/**
 * How the ranks of a save meet: every rank hands its manifest to the coordinator, the coordinator
 * commits, the other ranks learn that it did. {@link StoreCoordination} (the default) does it
 * through the checkpoint's own storage, needing no other service; users with their own process
 * group (MPI, a collective library, a launcher's rendezvous) implement this interface on it,
 * carrying manifests as {@link RankManifest#toJson()} bytes.
 *
 * <p>Every rank calls {@link #begin} before it writes anything, {@link #gather} once its file is
 * written; then the coordinator calls {@link #announce} after its commit attempt, and every other
 * rank calls {@link #awaitCommit}.
 */
public interface SaveCoordination {

    /**
     * Checks, before this rank writes anything, that the save may go ahead. The default accepts
     * every save; {@link StoreCoordination} refuses a save id this rank already published.
     *
     * @param context the save
     * @throws DistributedCheckpointException of kind {@code SAVE_ID_REUSED} if this rank already
     *     took part in a save with the context's save id
     * @throws IOException if the check cannot be made
     */
    default void begin(SaveContext context) throws IOException {}

    /**
     * Hands this rank's manifest to the coordinator and, on the coordinator, waits for every
     * rank's.
     *
     * @param context the save
     * @param mine this rank's manifest
     * @return on the coordinator, every rank's manifest in rank order; on other ranks, any list
     *     (the writer ignores it)
     * @throws DistributedCheckpointException of kind {@code MISSING_RANKS}, naming them, if some
     *     ranks do not publish within the context's timeout
     * @throws IOException if the manifests cannot be carried
     */
    List<RankManifest> gather(SaveContext context, RankManifest mine) throws IOException;

    /**
     * Tells the other ranks how the coordinator's commit ended. Called on the coordinator only.
     *
     * @param context the save
     * @param committed whether the global metadata was written
     * @throws IOException if the news cannot be carried
     */
    void announce(SaveContext context, boolean committed) throws IOException;

    /**
     * Waits until the coordinator committed. Called on every rank but the coordinator.
     *
     * @param context the save
     * @throws DistributedCheckpointException of kind {@code COMMIT_TIMEOUT} if the coordinator did
     *     not commit in time or announced a failure
     * @throws IOException if waiting fails
     */
    void awaitCommit(SaveContext context) throws IOException;
}
