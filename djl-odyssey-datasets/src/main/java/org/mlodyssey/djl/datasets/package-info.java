/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * EMNIST, CIFAR-10 and CIFAR-100 as lean DJL {@link ai.djl.training.dataset.RandomAccessDataset}s:
 * uint8 images stored once, batches built in bulk, deterministic shuffling, augmentation and
 * validation split.
 */
package org.mlodyssey.djl.datasets;
