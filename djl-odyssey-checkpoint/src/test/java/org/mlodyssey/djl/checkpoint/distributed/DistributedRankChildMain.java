/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStores;
import org.mlodyssey.djl.checkpoint.storage.ObjectContent;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;

/**
 * One rank in its own JVM, for {@link DistributedCheckpointIT}: {@code save DIR CHECKPOINT RANK
 * WORLD TIMEOUT_MS [stall]} saves its shards of {@link #itSet()} (with {@code stall}, it stops
 * half-way through writing its file and prints {@code MID_WRITE}, to be killed); {@code load DIR
 * CHECKPOINT RANK WORLD} loads its part of every tensor under the load split and compares every
 * byte. Prints {@code SAVED}, {@code LOADED read=R requested=Q} or {@code FAILED KIND message}.
 */
public final class DistributedRankChildMain {

    private DistributedRankChildMain() {}

    /** The IT's tensors: the standard set and a 1 MiB row-split matrix. */
    static List<Global> itSet() {
        List<Global> set = new ArrayList<>(GlobalTensors.standardSet());
        set.add(GlobalTensors.global("big", TensorDType.F32, 1024, 256));
        return set;
    }

    /**
     * Runs one rank.
     *
     * @param args the mode and its arguments
     * @throws Exception if the rank fails other than with a distributed checkpoint error
     */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int rank = Integer.parseInt(args[3]);
        int world = Integer.parseInt(args[4]);
        try (CheckpointStore store = CheckpointStores.open(args[1])) {
            if (mode.equals("save")) {
                CheckpointStore target =
                        args.length > 6 && args[6].equals("stall") ? new Stalling(store) : store;
                DistributedCheckpointWriter.builder()
                        .setStore(target)
                        .setCheckpoint(args[2])
                        .setRank(rank, world)
                        .optBlockBytes(4096)
                        .optTimeout(Duration.ofMillis(Long.parseLong(args[5])))
                        .build()
                        .save(GlobalTensors.shardsOf(itSet(), rank, world));
                System.out.println("SAVED");
            } else {
                long[] counts = RankThreads.loadPart(store, args[2], rank, world, itSet());
                System.out.println("LOADED read=" + counts[0] + " requested=" + counts[1]);
            }
        } catch (DistributedCheckpointException e) {
            System.out.println("FAILED " + e.getKind() + " " + e.getMessage());
            System.exit(3);
        }
        System.exit(0);
    }

    /** A store whose writes of rank files stop half-way, forever. */
    private static final class Stalling implements CheckpointStore {
        private final CheckpointStore store;

        Stalling(CheckpointStore store) {
            this.store = store;
        }

        @Override
        public WrittenObject write(String key, ObjectContent content) throws IOException {
            if (!key.endsWith(".safetensors")) {
                return store.write(key, content);
            }
            return store.write(
                    key,
                    channel ->
                            content.writeTo(
                                    new WritableByteChannel() {
                                        long written;

                                        @Override
                                        public int write(ByteBuffer src) throws IOException {
                                            if (written > 1000) {
                                                System.out.println("MID_WRITE");
                                                System.out.flush();
                                                try {
                                                    Thread.sleep(Long.MAX_VALUE);
                                                } catch (InterruptedException e) {
                                                    throw new IOException(e);
                                                }
                                            }
                                            int n = channel.write(src);
                                            written += n;
                                            return n;
                                        }

                                        @Override
                                        public boolean isOpen() {
                                            return channel.isOpen();
                                        }

                                        @Override
                                        public void close() {}
                                    }));
        }

        @Override
        public String location() {
            return store.location();
        }

        @Override
        public String locationOf(String key) {
            return store.locationOf(key);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            return store.list(prefix);
        }

        @Override
        public Optional<StoredObject> stat(String key) throws IOException {
            return store.stat(key);
        }

        @Override
        public ObjectReader open(String key) throws IOException {
            return store.open(key);
        }

        @Override
        public void delete(String key) throws IOException {
            store.delete(key);
        }

        @Override
        public int deleteAll(String prefix) throws IOException {
            return store.deleteAll(prefix);
        }

        @Override
        public boolean hasAtomicRename() {
            return store.hasAtomicRename();
        }

        @Override
        public void close() throws IOException {
            store.close();
        }
    }
}
