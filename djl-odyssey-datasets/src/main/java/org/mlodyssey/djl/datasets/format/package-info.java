/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * The typed error for malformed dataset files. The byte-level helpers that the format readers share
 * (bounded gzip input, tar member extraction) are implementation types of the {@code internal}
 * package.
 *
 * <p>Nothing in this package knows about DJL.
 */
package org.mlodyssey.djl.datasets.format;
