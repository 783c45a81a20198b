/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * The storage seam: one small interface, {@link
 * org.mlodyssey.djl.checkpoint.storage.CheckpointStore}, through which checkpoint files are listed,
 * read, written and deleted, with the local filesystem ({@link
 * org.mlodyssey.djl.checkpoint.storage.LocalCheckpointStore}) and S3-compatible buckets ({@code
 * org.mlodyssey.djl.checkpoint.storage.s3}) behind it. See {@code docs/storage.md}.
 */
package org.mlodyssey.djl.checkpoint.storage;
