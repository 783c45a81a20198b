/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
     * What a command did.
     *
     * @param exit the exit status
     * @param out its standard output
     * @param err its standard error
     */
    public record Outcome(int exit, String out, String err) {

        /**
         * Parses the last line of the standard output as JSON.
         *
         * @return the object
         */
        public JsonObject json() {
            String[] lines = out.strip().split("\n");
            return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        }

        /**
         * The outcome of a child JVM's run.
         *
         * @param child what {@link ChildJvm#run} returned
         * @return the same exit status and outputs
         */
        public static Outcome of(ChildJvm.Outcome child) {
            return new Outcome(child.exit(), child.out(), child.err());
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    /**
     * Runs {@code odyssey} with arguments.
     *
     * @param args the arguments
     * @return the outcome
     */
    public static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = OdysseyCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }
}
