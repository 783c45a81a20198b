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
}
