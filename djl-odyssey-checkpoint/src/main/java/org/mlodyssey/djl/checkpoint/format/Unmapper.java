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
 * {@code sun.misc.Unsafe.invokeCleaner(ByteBuffer)} reached by reflection from the static field
 * {@code sun.misc.Unsafe.theUnsafe} (module {@code jdk.unsupported}, open to the class path). Where
 * that is unavailable, mappings are left to the garbage collector, and {@link #unavailableReason()}
 * says why; {@code UnmapperTest} pins both lookups so that a JDK that changes them fails by name.
 */
final class Unmapper {

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;
    private static final String UNAVAILABLE_REASON;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        String reason = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invokeCleaner = null;
            reason =
                    "sun.misc.Unsafe.theUnsafe / invokeCleaner(ByteBuffer) unreachable in Java "
                            + Runtime.version()
                            + ": "
                            + e;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
        UNAVAILABLE_REASON = reason;
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
     * Says why mappings cannot be unmapped deterministically.
     *
     * @return the failed lookup, or {@code null} when {@link #available()}
     */
    static String unavailableReason() {
        return UNAVAILABLE_REASON;
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
