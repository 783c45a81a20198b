/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;

/**
 * Views of zero-copy arrays ({@code reshape}, {@code get}, {@code transpose}, {@code flatten}) stay
 * valid after the arrays they were made from are closed, until the manager closes. Run in a child
 * JVM ({@link MappedViewChildMain}), since a view over unmapped memory kills the JVM with SIGSEGV.
 */
class MappedViewLifetimeIT {

    @TempDir Path dir;

    private Path saveFloats() throws Exception {
        TensorFile checkpoint = new TensorFile();
        for (int t = 0; t < 3; t++) {
            ByteBuffer data = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 1024; i++) {
                data.putFloat(t * 10000f + i);
            }
            checkpoint.put("t" + t, Tensor.of(TensorDType.F32, new long[] {1024}, data.flip()));
        }
        Path file = dir.resolve("views.safetensors");
        checkpoint.save(file);
        return file;
    }

    @Test
    void viewsReadTheRightValuesAfterTheirArraysAreClosed() throws Exception {
        List<String> lines =
                ChildJvm.runToEnd(
                        dir, "views", MappedViewChildMain.class, "views", saveFloats().toString());
        assertEquals(
                List.of(
                        "RESHAPE " + (10000f + 3 * 32 + 5),
                        "GET " + (10000f + 14),
                        "TRANSPOSE " + (10000f + 3 * 32 + 5),
                        "FLATTEN " + (20000f + 1023),
                        "DONE"),
                lines);
    }

    @Test
    void aViewOfAnArrayMovedToAnotherManagerOutlivesTheArrayAndTheLoadsManager() throws Exception {
        List<String> lines =
                ChildJvm.runToEnd(
                        dir, "moved", MappedViewChildMain.class, "moved", saveFloats().toString());
        assertEquals(List.of("MOVED " + (2 * 256 + 7f), "DONE"), lines);
    }

    @Test
    void aDetachedArrayKeepsItsMappingAfterItsManagerCloses() throws Exception {
        List<String> lines =
                ChildJvm.runToEnd(
                        dir,
                        "detached",
                        MappedViewChildMain.class,
                        "detached",
                        saveFloats().toString());
        assertEquals(List.of("DETACHED " + (10000f + 7), "DONE"), lines);
    }

    @Test
    void viewsMadeIntoAnotherManagerOutliveTheLoadsManager() throws Exception {
        List<String> lines =
                ChildJvm.runToEnd(
                        dir,
                        "elsewhere",
                        MappedViewChildMain.class,
                        "elsewhere",
                        saveFloats().toString());
        assertEquals(
                List.of(
                        "ELSEWHERE " + (20000f + 105),
                        "ELSEWHERE " + (20000f + 3 * 256 + 9),
                        "DONE"),
                lines);
    }

    @Test
    void anArrayThatInternsAZeroCopyArrayKeepsTheMapping() throws Exception {
        List<String> lines =
                ChildJvm.runToEnd(
                        dir,
                        "interned",
                        MappedViewChildMain.class,
                        "interned",
                        saveFloats().toString());
        assertEquals(List.of("INTERNED 11.0", "DONE"), lines);
    }
}
