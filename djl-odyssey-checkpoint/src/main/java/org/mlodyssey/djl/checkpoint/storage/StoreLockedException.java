/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.IOException;

/** Another holder has the lease object of a store location: two runs may not write into it. */
public final class StoreLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param location the lease object's location
     * @param holder who holds it, as its content says
     */
    public StoreLockedException(String location, String holder) {
        super(location + " is held by another run (" + holder + ")");
    }
}
