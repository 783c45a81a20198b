/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mlodyssey.djl.checkpoint.format.Compression;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileReader;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odyssey convert IN OUT [--compress zstd[:LEVEL] | --no-compress]}. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Rewrite a checkpoint file (or shard index) as one file, compressed (format version 2)"
                    + " or not (version 1, a plain safetensors file). Every tensor is verified"
                    + " on the way.",
            "Exit status: 0 on success, 1 when IN is damaged or malformed or OUT cannot be"
                    + " written."
        })
public final class ConvertCommand implements Callable<Integer> {

    @Spec private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "a .safetensors file or index")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the file to write")
    private Path out;

    @ArgGroup(exclusive = true)
    private Mode mode;

    /** The mutually exclusive compression flags. */
    static final class Mode {
        @Option(
                names = "--compress",
                paramLabel = "zstd[:LEVEL]",
                description = "compress losslessly with zstd (LEVEL 1-22, default 3)")
        String compress;

        @Option(names = "--no-compress", description = "write uncompressed (the default)")
        boolean noCompress;
    }

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Compression compression = Compression.none();
        if (mode != null && mode.compress != null) {
            try {
                compression = Compression.parse(mode.compress);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--compress: " + e.getMessage());
            }
        }
        if (!Files.exists(in)) {
            err.println("odyssey convert: no such file: " + in);
            err.flush();
            return 1;
        }
        try {
            long inBytes = Files.isRegularFile(in) ? Files.size(in) : 0;
            try (TensorFile checkpoint = TensorFile.load(in)) {
                checkpoint.verify();
                checkpoint.save(out, WriteOptions.builder().optCompression(compression).build());
            }
            int version;
            try (TensorFileReader reader = TensorFileReader.open(out)) {
                version = reader.formatVersion();
            }
            long outBytes = Files.size(out);
            stdout.printf(
                    Locale.ROOT,
                    "%s -> %s: %d bytes, format version %d, %s%s%n",
                    in,
                    out,
                    outBytes,
                    version,
                    compression,
                    inBytes > 0
                            ? String.format(
                                    Locale.ROOT, " (%.3fx the input)", (double) outBytes / inBytes)
                            : "");
            stdout.flush();
            return 0;
        } catch (IOException e) {
            err.println("odyssey convert: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
