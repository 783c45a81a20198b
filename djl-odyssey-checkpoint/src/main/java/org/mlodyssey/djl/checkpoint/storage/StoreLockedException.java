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

    private StoreLockedException(String message) {
        super(message);
    }

    /**
     * Creates an exception for a lease object whose text does not parse: not a lease this version
     * can judge, so its location is treated as held by someone unknown.
     *
     * @param location the lease object's location
     * @param text its text, on one line
     * @return the exception
     */
    static StoreLockedException unreadable(String location, String text) {
        return new StoreLockedException(
                location
                        + " holds an unreadable lease text (\""
                        + text
                        + "\"): another program or version may be writing into the location;"
                        + " delete the object if no run is");
    }
}
