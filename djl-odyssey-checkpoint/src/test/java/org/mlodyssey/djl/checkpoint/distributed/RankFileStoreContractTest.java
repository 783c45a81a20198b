/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.endsWith;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.distributed.GlobalTensors.Global;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.LocalCheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectContent;

/**
 * A rank's block checksums come from the last call of its file's content writer, which must have
 * passed on every byte the store committed: a store that breaks that gets a clear error, not
 * checksums of other bytes.
 */
class RankFileStoreContractTest {

    @TempDir Path dir;

    private static final List<Global> SET = GlobalTensors.standardSet();

    @Test
    void aStoreWhoseLastContentCallIsNotWhatItCommittedIsAnError() throws Exception {
        CheckpointStore store = spy(LocalCheckpointStore.of(dir));
        doAnswer(
                        call -> {
                            ObjectContent content = call.getArgument(1);
                            Object written = call.callRealMethod();
                            try {
                                // A second attempt that the store gave up on after 100 bytes.
                                content.writeTo(new FailingAfter(100));
                            } catch (IOException expected) {
                                // the store keeps the first attempt's object
                            }
                            return written;
                        })
                .when(store)
                .write(endsWith(".safetensors"), any());
        DistributedCheckpointWriter writer =
                DistributedCheckpointWriter.builder()
                        .setStore(store)
                        .setCheckpoint("c")
                        .setRank(0, 1)
                        .optTimeout(Duration.ofSeconds(5))
                        .build();
        IOException e =
                assertThrows(
                        IOException.class, () -> writer.save(GlobalTensors.shardsOf(SET, 0, 1)));
        assertTrue(e.getMessage().contains("rank-00000-of-00001.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("last passed on 100 bytes"), e.getMessage());
    }

    /** A channel that takes a number of bytes, then fails. */
    private static final class FailingAfter implements WritableByteChannel {
        private long left;

        FailingAfter(long bytes) {
            this.left = bytes;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (left == 0) {
                throw new IOException("connection reset");
            }
            int n = (int) Math.min(left, src.remaining());
            src.position(src.position() + n);
            left -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
