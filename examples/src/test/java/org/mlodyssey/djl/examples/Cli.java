/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;
import org.mlodyssey.djl.examples.cli.OdysseyCommand;
import picocli.CommandLine;

/**
 * Runs the {@code odyssey} command line in this JVM, capturing its output, or makes the command
 * that runs it in a child JVM, for the tests.
 */
public final class Cli {

    /** The shaded jar the build makes before the integration tests run. */
    static final Path JAR = Path.of("target", "odyssey.jar");

    private Cli() {}

    /**
     * The command line that runs {@code odyssey} from the shaded jar in a child JVM.
     *
     * @param args the arguments
     * @return the command, for {@link ChildJvm#run} or {@link ChildJvm#start}
     */
    public static List<String> jarCommand(String... args) {
        return ChildJvm.jarCommand(JAR, args);
    }

    /**
     * Runs {@code odyssey} with arguments.
     *
     * @param args the arguments
     * @return the outcome
     */
    public static ChildJvm.Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = OdysseyCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new ChildJvm.Outcome(exit, out.toString(), err.toString());
    }
}
