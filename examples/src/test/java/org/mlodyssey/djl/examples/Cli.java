/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.mlodyssey.djl.examples.cli.OdysseyCommand;
import picocli.CommandLine;

/** Runs the {@code odyssey} command line in this JVM, capturing its output, for the tests. */
public final class Cli {

    private Cli() {}

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
