/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that fails while running says so in one line naming the path, with exit status 1. */
class DemoCommandTest {

    @TempDir Path dir;

    @Test
    void aDemoDirectoryThatIsAFileIsReportedInOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Cli.Outcome o = Cli.run("demo", "--dir", file.toString());
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.err().startsWith("odyssey demo: "), o.err());
        assertTrue(o.err().contains(file.toString()), o.err());
        assertEquals(1, o.err().strip().split("\n").length, "no stack trace: " + o.err());
        assertEquals("", o.out());
    }

    @Test
    void aDirectoryWithFoldersTheDemoDidNotMakeIsRefusedAndLeftAlone() throws Exception {
        Path theirs = Files.createDirectories(dir.resolve("d/uninterrupted"));
        Path file = Files.writeString(theirs.resolve("notes.txt"), "mine");
        Cli.Outcome o = Cli.run("demo", "--dir", dir.resolve("d").toString());
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.err().startsWith("odyssey demo: "), o.err());
        assertTrue(o.err().contains("holds uninterrupted/, which the demo did not make"), o.err());
        assertTrue(Files.isRegularFile(file), "nothing deleted");
    }

    @Test
    void anEarlierDemosFoldersAreDeletedBeforeARerun() throws Exception {
        Path d = dir.resolve("d");
        ResumeDemo.prepareDirectory(d);
        for (String name : new String[] {"data", "uninterrupted", "interrupted"}) {
            Files.writeString(Files.createDirectories(d.resolve(name)).resolve("x"), "old");
        }
        Files.writeString(d.resolve("keep.txt"), "not the demo's");
        ResumeDemo.prepareDirectory(d);
        for (String name : new String[] {"data", "uninterrupted", "interrupted"}) {
            assertTrue(Files.notExists(d.resolve(name)), name);
        }
        assertTrue(Files.isRegularFile(d.resolve("keep.txt")));
        assertTrue(Files.isRegularFile(d.resolve(ResumeDemo.MARKER)));
    }
}
