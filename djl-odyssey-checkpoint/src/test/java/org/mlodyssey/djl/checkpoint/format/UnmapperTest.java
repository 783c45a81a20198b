/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the JDK internals {@link Unmapper} reaches by reflection: if a JDK renames, retypes or
 * closes one, these tests fail with its name instead of mappings silently waiting for the garbage
 * collector.
 */
class UnmapperTest {

    @Test
    void sunMiscUnsafeTheUnsafeIsAStaticUnsafe() throws Exception {
        Class<?> unsafe = Class.forName("sun.misc.Unsafe");
        Field field = unsafe.getDeclaredField("theUnsafe");
        assertTrue(Modifier.isStatic(field.getModifiers()), "sun.misc.Unsafe.theUnsafe static");
        assertEquals(unsafe, field.getType(), "sun.misc.Unsafe.theUnsafe type");
    }

    @Test
    void sunMiscUnsafeInvokeCleanerTakesAByteBuffer() throws Exception {
        Method method =
                Class.forName("sun.misc.Unsafe").getMethod("invokeCleaner", ByteBuffer.class);
        assertEquals(void.class, method.getReturnType(), "sun.misc.Unsafe.invokeCleaner");
    }

    @Test
    void unmapperReachesInvokeCleanerAndUnmapsAtOnce(@TempDir Path dir)
            throws IOException, InterruptedException {
        assertTrue(Unmapper.available(), () -> "Unmapper: " + Unmapper.unavailableReason());
        Path file = dir.resolve("page.bin");
        Files.write(file, new byte[4096]);
        long count = MappedPool.settle();
        MappedByteBuffer mapping;
        try (FileChannel channel = FileChannel.open(file)) {
            mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, 4096);
        }
        assertEquals(count + 1, MappedPool.count());
        assertTrue(Unmapper.unmap(mapping));
        assertEquals(count, MappedPool.count(), "unmapped now, not by the garbage collector");
    }
}
