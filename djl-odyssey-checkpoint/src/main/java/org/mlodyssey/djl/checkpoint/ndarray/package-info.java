/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * The DJL adapter of the checkpoint format: DJL {@code NDArray}s to and from named-tensor files, on
 * any device, with the PyTorch engine's dtype limits guarded. Knows nothing of byte layouts.
 */
package org.mlodyssey.djl.checkpoint.ndarray;
