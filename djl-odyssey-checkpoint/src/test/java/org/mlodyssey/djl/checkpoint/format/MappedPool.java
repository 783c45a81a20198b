/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * The JVM's "mapped" buffer pool: how many memory mappings are alive, and their bytes. Other tests
 * in the same JVM leave mappings for the garbage collector, so a test first lets those go ({@link
 * #settle()}) and then counts its own exactly.
 */
public final class MappedPool {

    private static final BufferPoolMXBean POOL =
            ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("mapped"))
                    .findFirst()
                    .orElseThrow();

    private MappedPool() {}

    /**
     * Returns the number of live mappings.
     *
     * @return the count
     */
    public static long count() {
        return POOL.getCount();
    }

    /**
     * Returns the bytes of live mappings.
     *
     * @return the bytes
     */
    public static long bytes() {
        return POOL.getMemoryUsed();
    }

    /**
     * Collects unreachable mappings left by earlier code until the count stays the same over three
     * more collections: on a loaded machine the cleaner may unmap a collected buffer only some time
     * after the collection, so one unchanged count is not enough.
     *
     * @return the settled count
     * @throws InterruptedException if interrupted while waiting for the collector
     */
    public static long settle() throws InterruptedException {
        long last = -1;
        int unchanged = 0;
        for (int round = 0; round < 200; round++) {
            System.gc();
            Thread.sleep(20);
            long now = count();
            unchanged = now == last ? unchanged + 1 : 0;
            if (unchanged == 3) {
                return now;
            }
            last = now;
        }
        return last;
    }
}
