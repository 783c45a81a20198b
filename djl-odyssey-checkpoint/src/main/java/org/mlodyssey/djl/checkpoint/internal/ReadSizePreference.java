/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

/**
 * A channel whose reads cost a request each (an object in a bucket) and that serves large reads
 * best: readers that choose their own read sizes ask it for at least {@link #preferredReadSize()}.
 * The format's readers test for it without depending on the storage layer.
 */
public interface ReadSizePreference {

    /**
     * Returns the least a read should ask for where the caller is free to choose.
     *
     * @return the size in bytes, or 0 for no preference
     */
    int preferredReadSize();
}
