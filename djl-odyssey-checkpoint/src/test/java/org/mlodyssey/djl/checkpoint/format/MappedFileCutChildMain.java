/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM for {@link MappedFileCutIT}: loads and maps a checkpoint, cuts the file to 100 bytes,
 * then verifies the mapping. A checksum over a cut mapping runs into SIGBUS in native code and
 * kills the JVM; a typed error prints {@code <kind> <file>}, then {@code DONE}.
 */
public final class MappedFileCutChildMain {

    private MappedFileCutChildMain() {}

    /**
     * Runs the scenario.
     *
     * @param args the checkpoint file
     * @throws Exception if the load fails
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        try (TensorFile checkpoint = TensorFile.load(file);
                MappedTensors mapped = MappedTensors.map(checkpoint, false)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(100);
            }
            try {
                mapped.verify();
                System.out.println("VERIFIED");
            } catch (TensorFileFormatException e) {
                System.out.println(e.getKind() + " " + e.getFile());
            }
        }
        System.out.println("DONE");
    }
}
