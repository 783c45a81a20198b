/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Distributed checkpoints: several ranks (threads, processes or hosts sharing a directory or a
 * bucket) each save the slices of global tensors they hold into their own file, a coordinator rank
 * checks that the slices tile every tensor exactly and commits one global metadata object last; any
 * number of ranks later load any slice of any tensor, reading only the byte ranges they need, every
 * block checked against its CRC32C. Everything goes through a {@link
 * org.mlodyssey.djl.checkpoint.storage.CheckpointStore}, so a local directory and an S3 bucket work
 * alike. See {@code docs/distributed-checkpoints.md} and the specification in {@code
 * docs/checkpoint-format.md}.
 */
package org.mlodyssey.djl.checkpoint.distributed;
