/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.format.Checkpoint;
import org.mlodyssey.djl.checkpoint.format.Integrity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odyssey verify PATH}: checks every checksum of a checkpoint. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Check every checksum of a checkpoint file (or of every shard of a sharded one).",
            "Exit status: 0 intact; 1 damaged or malformed (the message names the file and the "
                    + "tensor or field); 3 a plain safetensors file, which has no checksums to "
                    + "check."
        })
public final class VerifyCommand implements Callable<Integer> {

    /** The exit status for a file without checksums. */
    static final int EXIT_UNVERIFIABLE = 3;

    @Spec private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "PATH",
            description = "a .safetensors file, or a shard index (*.index.json)")
    private Path path;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Checkpoint checkpoint = Checkpoint.load(path)) {
            if (checkpoint.integrity() == Integrity.UNCHECKED) {
                out.println(
                        path
                                + ": structure valid, but no checksums to verify (plain"
                                + " safetensors file)");
                return EXIT_UNVERIFIABLE;
            }
            checkpoint.verify();
            out.println(
                    path
                            + ": intact ("
                            + checkpoint.names().size()
                            + " tensors, header and data checksums match)");
            return 0;
        } catch (IOException e) {
            err.println("odyssey verify: damaged: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
