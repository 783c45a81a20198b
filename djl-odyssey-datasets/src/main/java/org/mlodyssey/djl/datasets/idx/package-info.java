/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * A validating reader, and a writer, for the IDX file format of MNIST, EMNIST and Fashion-MNIST.
 *
 * <p>Nothing in this package knows about DJL; malformed files fail with {@link
 * org.mlodyssey.djl.datasets.format.DatasetFormatException}.
 */
package org.mlodyssey.djl.datasets.idx;
