/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;

/**
 * Verifying a mapping whose file was cut since it was mapped fails with a typed error naming the
 * file, not with SIGBUS in the checksum's native code. Run in a child JVM ({@link
 * MappedFileCutChildMain}), since the fault kills the JVM.
 */
class MappedFileCutIT {

    @TempDir Path dir;

    @Test
    void verifyingACutFileIsATypedErrorNamingIt() throws Exception {
        TensorFile checkpoint = new TensorFile();
        checkpoint.put(
                "w", Tensor.of(TensorDType.U8, new long[] {1 << 20}, ByteBuffer.allocate(1 << 20)));
        Path file = dir.resolve("cut.safetensors");
        checkpoint.save(file);
        List<String> lines =
                ChildJvm.runToEnd(dir, "cut", MappedFileCutChildMain.class, file.toString());
        assertEquals(List.of("FILE_CHANGED " + file, "DONE"), lines);
    }
}
