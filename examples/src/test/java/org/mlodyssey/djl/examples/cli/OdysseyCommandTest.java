/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OdysseyCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new OdysseyCommand());
        commandLine.setOut(new PrintWriter(out));
        int exit = commandLine.execute(args);
        assertEquals(0, exit, "exit code of odyssey " + String.join(" ", args));
        return out.toString();
    }

    @Test
    void versionNamesTheBuiltVersion() {
        String out = run("--version");
        assertTrue(out.matches("(?s)odyssey \\d+\\.\\d+\\.\\d+.*"), out);
        assertTrue(out.contains("DJL 0.36.0"), out);
    }

    @Test
    void helpShowsUsage() {
        String out = run("--help");
        assertTrue(out.contains("Usage: odyssey"), out);
    }

    @Test
    void unknownOptionIsAUsageError() {
        CommandLine commandLine = new CommandLine(new OdysseyCommand());
        commandLine.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, commandLine.execute("--no-such-option"));
    }

    @Test
    void aNestedCommandsFailureNamesTheWholeCommand() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("odyssey-test", ".txt");
        try {
            StringWriter err = new StringWriter();
            CommandLine commandLine = OdysseyCommand.commandLine();
            commandLine.setErr(new PrintWriter(err));
            int exit = commandLine.execute("bench", "listener", "--dir", file.toString());
            assertEquals(1, exit, err.toString());
            assertTrue(err.toString().startsWith("odyssey bench listener: "), err.toString());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aUsageErrorIsOneLineAndWhereToLookNotTheWholeHelp() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = OdysseyCommand.commandLine();
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute("verify", "--no-such-flag", "x"));
        String[] lines = err.toString().strip().split("\n");
        assertEquals(2, lines.length, err.toString());
        assertTrue(lines[0].contains("--no-such-flag"), err.toString());
        assertEquals("see odyssey verify --help", lines[1]);
    }

    @Test
    void verboseIsAcceptedBeforeAndAfterTheCommand() {
        assertTrue(run("--verbose", "--version").contains("odyssey"));
        assertTrue(run("help", "--verbose").contains("Usage: odyssey"));
    }
}
