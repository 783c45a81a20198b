/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

/** Why {@link CheckpointListener} saved a checkpoint; one save may have several reasons. */
public enum SaveReason {
    /** Every N epochs. */
    EPOCHS,
    /** Every N training steps. */
    STEPS,
    /** Every T of wall-clock time since the previous save. */
    SECONDS,
    /** A new best value of the monitored metric. */
    BEST,
    /** The end of training. */
    END
}
