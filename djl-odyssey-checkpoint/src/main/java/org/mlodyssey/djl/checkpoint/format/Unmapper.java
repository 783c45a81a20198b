/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a memory mapping now rather than when the garbage collector finds it unreachable, through
 * {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}, open to the class path).
 * Where that is unavailable, mappings are left to the garbage collector.
 */
final class Unmapper {

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invokeCleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private Unmapper() {}

    /**
     * Tells whether mappings can be unmapped deterministically in this JVM.
     *
     * @return true when {@link #unmap} releases a mapping at once
     */
    static boolean available() {
        return INVOKE_CLEANER != null;
    }

    /**
     * Unmaps a mapping. Every buffer over it, slices included, must never be touched again: an
     * access would fault.
     *
     * @param mapping a buffer returned by {@code FileChannel.map}, not a slice or duplicate
     * @return true when it was unmapped now, false when it is left to the garbage collector
     */
    static boolean unmap(MappedByteBuffer mapping) {
        if (INVOKE_CLEANER == null) {
            return false;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, mapping);
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
