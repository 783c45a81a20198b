/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Runnable examples of the datasets and checkpoint modules: training with automatic checkpoints and
 * exact resume ({@link org.mlodyssey.djl.examples.TrainClassifier}), the offline resume demo
 * ({@link org.mlodyssey.djl.examples.ResumeDemo}), sample grids and training curves as PNG files.
 * Each example has a {@code main} that calls a {@code runExample} returning a result, as DJL's
 * examples do. The command line, in the {@code cli} subpackage, depends on this package, never the
 * reverse.
 */
package org.mlodyssey.djl.examples;
