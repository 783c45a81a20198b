/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

/** How saved parameter values that do not match the model are treated. */
public enum ParameterLoadMode {
    /**
     * Any missing, unexpected or mismatched parameter fails the load before any value is written.
     */
    STRICT,
    /** The parameters that match are written; the others are left as they are and reported. */
    LENIENT
}
