/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.ChildJvm;

/** {@code java -jar examples/target/odyssey.jar demo}, as the README runs it, reports a match. */
class DemoIT {

    @TempDir Path dir;

    @Test
    void demoRunsOfflineAndTheResumedRunMatches() throws Exception {
        long start = System.nanoTime();
        Cli.Outcome o =
                Cli.Outcome.of(
                        ChildJvm.run(
                                dir,
                                "demo",
                                120,
                                Cli.jarCommand("demo", "--dir", dir.resolve("demo").toString())));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, o.exit(), o.toString());
        JsonObject json = o.json();
        assertTrue(json.get("matched").getAsBoolean(), json.toString());
        assertEquals(0, json.getAsJsonArray("differing").size());
        assertTrue(json.get("tensors_compared").getAsInt() >= 20, json.toString());
        assertEquals(ResumeDemo.CRASH_STEP, json.get("crash_step").getAsLong());
        long resumedAt = json.get("resumed_at_step").getAsLong();
        assertTrue(
                resumedAt > 0 && resumedAt <= ResumeDemo.CRASH_STEP,
                "resumed from a checkpoint before the crash: " + resumedAt);
        assertEquals(
                json.get("test_accuracy").getAsFloat(),
                json.get("resumed_test_accuracy").getAsFloat());
        assertTrue(json.get("test_accuracy").getAsFloat() > 0.9f, json.toString());
        assertTrue(o.err().contains("MATCHED"), "the demo says so");
        assertTrue(seconds < 120, "under two minutes: " + seconds);
        assertTrue(
                Files.isDirectory(dir.resolve("demo/interrupted")), "--dir keeps the checkpoints");

        // Run again in the same directory: the earlier demo's folders are replaced.
        Cli.Outcome again =
                Cli.Outcome.of(
                        ChildJvm.run(
                                dir,
                                "demo-again",
                                120,
                                Cli.jarCommand("demo", "--dir", dir.resolve("demo").toString())));
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.json().get("matched").getAsBoolean(), again.out());

        // Without --dir, the temporary directory is deleted at the end.
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        List<String> command = Cli.jarCommand("demo");
        command.add(1, "-Djava.io.tmpdir=" + tmp);
        Cli.Outcome temporary = Cli.Outcome.of(ChildJvm.run(dir, "demo-temporary", 120, command));
        assertEquals(0, temporary.exit(), temporary.toString());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the demo's temporary directory is deleted");
        }
    }
}
