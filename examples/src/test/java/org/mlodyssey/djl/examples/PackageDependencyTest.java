/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The command line depends on the examples, never the reverse. */
class PackageDependencyTest {

    private static final Path MAIN = Path.of("src/main/java/org/mlodyssey/djl/examples");

    @Test
    void noExampleOutsideTheCliPackageNamesIt() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders =
                    files.filter(p -> p.toString().endsWith(".java"))
                            .filter(p -> !p.startsWith(MAIN.resolve("cli")))
                            .filter(PackageDependencyTest::namesTheCli)
                            .map(p -> MAIN.relativize(p).toString())
                            .sorted()
                            .collect(Collectors.toList());
        }
        assertEquals(List.of(), offenders);
    }

    private static boolean namesTheCli(Path file) {
        try {
            return Files.readString(file).contains("org.mlodyssey.djl.examples.cli");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
