/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

/**
 * What a failed checkpoint write does to the training run. Every failure is logged at once (SLF4J
 * error, with its cause) and kept in {@link CheckpointListener#getFailures()}; nothing is committed
 * for the failed checkpoint and no earlier checkpoint is deleted because of it.
 */
public enum FailurePolicy {
    /**
     * The next save on the training thread throws a {@link CheckpointWriteException}; with
     * synchronous writes, the failing save throws it. A failure not thrown by the end of training
     * is thrown by {@link CheckpointListener#close()} (never by {@code Trainer.close()}, which must
     * finish DJL's cleanup).
     */
    FAIL_AT_NEXT_SAVE,
    /**
     * Training goes on; {@link CheckpointListener#close()}, after the trainer is closed, throws the
     * first failure (later ones suppressed).
     */
    FAIL_AT_END,
    /** Training goes on; failures are only logged and recorded. */
    TOLERATE
}
