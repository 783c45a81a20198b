/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.format.Integrity;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.examples.CheckpointLocations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odyssey verify PATH}: checks every checksum of a checkpoint. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Check every checksum of a checkpoint file (or of every shard of a sharded one), of"
                    + " a training checkpoint directory (manifest, every file's size and CRC32C,"
                    + " every tensor's checksum) or of every checkpoint of a directory of"
                    + " checkpoints.",
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
            description =
                    "a .safetensors file, a shard index (*.index.json), a training checkpoint"
                            + " directory or a directory of checkpoints")
    private Path path;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (CheckpointLocations.isRemote(path)) {
            return BucketVerification.run(path, out, err);
        }
        if (!Files.exists(path)) {
            err.println("odyssey verify: no such file or directory: " + path);
            err.flush();
            return 1;
        }
        if (Files.isDirectory(path) && DistributedCheckpointReport.isDistributed(path)) {
            return DistributedCheckpointReport.verify(path, out, err);
        }
        if (Files.isDirectory(path)) {
            return verifyDirectory(out, err);
        }
        try (TensorFile checkpoint = TensorFile.load(path)) {
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
            err.println("odyssey verify: damaged: " + OdysseyCommand.describe(e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    @SuppressWarnings("unchecked")
    private int verifyDirectory(PrintWriter out, PrintWriter err) {
        try {
            Map<String, Object> report =
                    CheckpointDirectoryReport.isCheckpoint(path)
                            ? CheckpointDirectoryReport.inspectCheckpoint(path)
                            : CheckpointDirectoryReport.inspectRoot(path);
            if ("intact".equals(report.get("integrity"))) {
                if (report.containsKey("checkpoints")) {
                    out.println(
                            path
                                    + ": intact ("
                                    + ((List<Map<String, Object>>) report.get("checkpoints"))
                                            .stream()
                                                    .filter(r -> "valid".equals(r.get("status")))
                                                    .count()
                                    + " checkpoints, newest valid "
                                    + report.get("newest_valid")
                                    + ")");
                } else {
                    out.println(
                            path
                                    + ": intact (step "
                                    + report.get("global_step")
                                    + ", epoch "
                                    + report.get("epoch")
                                    + "; manifest, "
                                    + ((List<?>) report.get("files")).size()
                                    + " files and their tensors match their checksums)");
                }
                return 0;
            }
            err.println(
                    "odyssey verify: damaged: "
                            + CheckpointDirectoryReport.t(report.get("integrity_detail")));
            return 1;
        } catch (IOException e) {
            err.println("odyssey verify: " + OdysseyCommand.describe(e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
