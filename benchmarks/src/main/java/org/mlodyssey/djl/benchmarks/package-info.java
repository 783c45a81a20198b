/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * JMH microbenchmarks of small operations: the checkpoint listener's callbacks per training step
 * against the step itself, one dataset batch, IDX and CIFAR decoding, CRC32C. Whole-checkpoint and
 * throughput comparisons with DJL's own paths are the {@code odyssey bench} commands.
 */
package org.mlodyssey.djl.benchmarks;
