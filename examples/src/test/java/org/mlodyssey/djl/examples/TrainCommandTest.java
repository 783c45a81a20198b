/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpoint;
import org.mlodyssey.djl.examples.cli.TrainCommand;

/**
 * {@code odyssey train} on the demo's EMNIST-format files: a run stopped by {@code --max-steps} and
 * resumed with {@code --resume auto} ends bit-identical to an uninterrupted one; then {@code plot},
 * {@code inspect} and {@code verify} on its checkpoints, and the usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainCommandTest {

    private Path dir;
    private Path data;
    private Path run;
    private Cli.Outcome stopped;
    private Cli.Outcome resumed;
    private Cli.Outcome whole;

    private String[] train(Path checkpoints, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--dataset",
                                "emnist",
                                "--data-dir",
                                data.toString(),
                                "--epochs",
                                "2",
                                "--batch-size",
                                "16",
                                "--every-steps",
                                "3",
                                "--keep-last",
                                "3",
                                "--checkpoint-dir",
                                checkpoints.toString()));
        args.addAll(List.of(more));
        if (!args.contains("--model")) {
            args.addAll(List.of("--model", "mlp"));
        }
        return args.toArray(new String[0]);
    }

    @BeforeAll
    void trainStopResumeAndWhole(@TempDir Path tmp) throws IOException {
        dir = tmp;
        data = dir.resolve("data");
        DemoEmnistFiles.write(data, 2, 1, 5); // 72 training images: 5 batches of 16 per epoch
        run = dir.resolve("run");
        stopped = Cli.run(train(run, "--max-steps", "7"));
        resumed = Cli.run(train(run, "--resume", "auto"));
        whole = Cli.run(train(dir.resolve("whole"), "--resume", "never"));
    }

    @Test
    void stoppedRunReportsItsPositionInOneJsonLine() {
        assertEquals(0, stopped.exit(), stopped.toString());
        assertEquals(1, stopped.out().strip().split("\n").length, stopped.out());
        JsonObject json = stopped.json();
        assertEquals(7, json.get("steps").getAsLong());
        assertEquals(1, json.get("epochs").getAsInt());
        assertTrue(json.get("resumed_from").isJsonNull());
        assertTrue(
                json.get("checkpoint")
                        .getAsString()
                        .endsWith("step-000000000007-epoch-000001-batch-000000002"),
                json.toString());
        assertTrue(stopped.err().contains("epoch 2/2 ["), "progress bar on stderr");
    }

    @Test
    void resumedRunEndsBitIdenticalToTheUninterruptedOne() throws IOException {
        assertEquals(0, resumed.exit(), resumed.toString());
        assertEquals(0, whole.exit(), whole.toString());
        JsonObject r = resumed.json();
        JsonObject w = whole.json();
        assertEquals(7, r.get("resumed_at_step").getAsLong());
        assertTrue(
                r.get("resumed_from")
                        .getAsString()
                        .endsWith("step-000000000007-epoch-000001-batch-000000002"));
        assertEquals(10, r.get("steps").getAsLong());
        FinalStates.assertSame(w, r);
    }

    @Test
    void resumingFromAnOlderCheckpointPathMovesTheLaterOnesAsideAndEndsBitIdentical()
            throws IOException {
        assertEquals(0, whole.exit(), whole.toString());
        Path copy = dir.resolve("older");
        copyTree(dir.resolve("whole"), copy);
        List<Path> saved = new ArrayList<>();
        try (Stream<Path> list = Files.list(copy)) {
            list.filter(p -> p.getFileName().toString().startsWith("step-"))
                    .sorted()
                    .forEach(saved::add);
        }
        assertEquals(3, saved.size(), saved.toString());
        Path oldest = saved.get(0); // step 6; steps 9 and 10 of the finished run lie after it
        Cli.Outcome o = Cli.run(train(copy, "--resume", oldest.toString()));
        assertEquals(0, o.exit(), o.toString());
        JsonObject r = o.json();
        assertEquals(6, r.get("resumed_at_step").getAsLong());
        FinalStates.assertSame(whole.json(), r);
        assertEquals(saved.get(2).toString(), r.get("checkpoint").getAsString());
        try (Stream<Path> list = Files.list(copy)) {
            assertEquals(
                    2,
                    list.filter(p -> p.getFileName().toString().contains(".abandoned-")).count(),
                    "steps 9 and 10 of the old run moved aside");
        }
    }

    @Test
    void resumingWithOtherFlagsIsAUsageErrorNamingTheFlag() {
        Cli.Outcome model = Cli.run(train(run, "--model", "lenet"));
        assertEquals(2, model.exit(), model.toString());
        assertTrue(model.err().contains("--model lenet differs from --model mlp"), model.err());
        Cli.Outcome never = Cli.run(train(run, "--resume", "never"));
        assertEquals(2, never.exit(), never.toString());
        assertTrue(never.err().contains("--resume never, but --checkpoint-dir"), never.err());
        Cli.Outcome missing = Cli.run(train(run, "--resume", dir.resolve("nope").toString()));
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("no such checkpoint directory"), missing.err());
        // Only these flag conflicts are usage errors, by their own type; another
        // IllegalArgumentException while training is a failure (exit 1), not a usage error.
        ResumeConflictException conflict =
                assertThrows(
                        ResumeConflictException.class,
                        () ->
                                TrainClassifier.train(
                                        TrainCommand.parse(
                                                Arrays.copyOfRange(
                                                        train(run, "--model", "lenet"),
                                                        1,
                                                        train(run, "--model", "lenet").length)),
                                        List.of()));
        assertTrue(
                conflict.getMessage().startsWith("--model lenet differs"), conflict.getMessage());
    }

    @Test
    void badFlagValuesAreUsageErrorsNamingTheFlag() {
        String[][] cases = {
            {"--dataset", "mnist", "--dataset"},
            {"--model", "vgg", "--model"},
            {"--epochs", "0", "--epochs"},
            {"--batch-size", "-1", "--batch-size"},
            {"--optimizer", "rmsprop", "--optimizer"},
            {"--lr", "0", "--lr"},
            {"--max-steps", "0", "--max-steps"},
            {"--every-steps", "-2", "--every-steps"},
            {"--every-seconds", "NaN", "--every-seconds"},
            {"--keep-best", "2", "--keep-best needs --monitor"},
            {"--monitor", "f1", "--monitor"},
            {"--split", "kanji", "--split"},
        };
        for (String[] c : cases) {
            Cli.Outcome o = Cli.run(train(dir.resolve("unused"), c[0], c[1]));
            assertEquals(2, o.exit(), String.join(" ", c) + "\n" + o);
            assertTrue(o.err().contains(c[2]), String.join(" ", c) + "\n" + o.err());
        }
        Cli.Outcome cifarSplit =
                Cli.run(
                        "train",
                        "--dataset",
                        "cifar10",
                        "--split",
                        "fine",
                        "--checkpoint-dir",
                        dir.resolve("unused").toString());
        assertEquals(2, cifarSplit.exit());
        assertTrue(cifarSplit.err().contains("cifar10 has no splits"), cifarSplit.err());
        assertTrue(Files.notExists(dir.resolve("unused")), "nothing written on a usage error");
    }

    @Test
    void plotDrawsBothRunsCurvesTheCheckpointsAndTheResumePoint() throws IOException {
        Path png = dir.resolve("curves.png");
        Cli.Outcome o =
                Cli.run("plot", "--checkpoint-dir", run.toString(), "--out", png.toString());
        assertEquals(0, o.exit(), o.toString());
        TrainingCurves.Result r = TrainingCurves.run(run, png);
        assertEquals(2, r.epochs());
        assertEquals(List.of(7L), r.resumeSteps());
        assertEquals(List.of(7L, 9L, 10L), r.checkpointSteps());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(r.width(), image.getWidth());
        assertEquals(r.height(), image.getHeight());
        TrainingCurves.Area loss = r.lossArea();
        // The resume line: red along its column inside the loss panel.
        int red = column(image, r.resumeColumns().get(0), loss, TrainingCurves.RESUME_COLOR);
        assertTrue(red > loss.height() / 3, "dashed resume line, red pixels: " + red);
        // A grey triangle on the x axis at each checkpoint.
        for (int cx : r.checkpointColumns()) {
            TrainingCurves.Area axis =
                    new TrainingCurves.Area(cx - 2, loss.y() + loss.height() - 3, 5, 7);
            assertTrue(
                    count(image, axis, TrainingCurves.CHECKPOINT_COLOR.getRGB()) > 3,
                    "checkpoint marker at column " + cx);
        }
        // Both curves in both panels, and a dark title above each.
        for (TrainingCurves.Area a : List.of(loss, r.accuracyArea())) {
            assertTrue(count(image, a, TrainingCurves.TRAIN_COLOR.getRGB()) > 20, "train curve");
            assertTrue(count(image, a, TrainingCurves.VALIDATE_COLOR.getRGB()) > 20, "validate");
            TrainingCurves.Area title = new TrainingCurves.Area(a.x(), 0, a.width(), a.y());
            assertTrue(count(image, title, 0x000000) > 10, "title drawn above " + a);
        }
    }

    @Test
    void verifyAndInspectSeeTheDirectoryAndEachCheckpoint() throws IOException {
        Cli.Outcome root = Cli.run("verify", run.toString());
        assertEquals(0, root.exit(), root.toString());
        assertTrue(root.out().contains("intact (3 checkpoints"), root.out());
        Cli.Outcome list = Cli.run("inspect", "--json", run.toString());
        assertEquals(0, list.exit(), list.toString());
        JsonObject json = list.json();
        assertEquals("checkpoint-directory", json.get("kind").getAsString());
        assertEquals(3, json.getAsJsonArray("checkpoints").size());
        String newest = "step-000000000010-epoch-000002-batch-000000000";
        assertEquals(newest, json.get("latest").getAsString());
        assertEquals(newest, json.get("newest_valid").getAsString());

        Cli.Outcome one = Cli.run("inspect", "--json", run.resolve(newest).toString());
        assertEquals(0, one.exit(), one.toString());
        JsonObject c = one.json();
        assertEquals(10, c.get("global_step").getAsLong());
        assertEquals(2, c.get("epoch").getAsInt());
        assertEquals("intact", c.get("integrity").getAsString());
        assertEquals(3, c.getAsJsonArray("files").size());
        assertEquals(
                "7",
                c.getAsJsonObject("metadata").get(TrainClassifier.META_RESUMED_AT).getAsString());
        assertEquals(0, Cli.run("verify", run.resolve(newest).toString()).exit());

        // As text, one row per tensor under each file: name, dtype, shape, bytes.
        Cli.Outcome text = Cli.run("inspect", run.resolve(newest).toString());
        assertEquals(0, text.exit(), text.toString());
        assertTrue(
                text.out()
                        .matches(
                                "(?s).*parameters\\.safetensors.*\\n"
                                        + "\\s+name\\s+dtype\\s+shape\\s+bytes\\n"
                                        + ".*"),
                text.out());
        assertTrue(
                text.out().matches("(?s).*\\n\\s+\\S+\\s+F32\\s+\\[\\d+(, \\d+)*\\]\\s+\\d+\\n.*"),
                text.out());
    }

    @Test
    void otherFoldersAreIgnoredAndFoldersMovedAsideAreLabelled() throws IOException {
        Path copy = dir.resolve("with-others");
        copyTree(run, copy);
        Files.createDirectories(copy.resolve("plots"));
        String first = "step-000000000007-epoch-000001-batch-000000002";
        Files.createDirectories(copy.resolve("." + first + ".abandoned-20260101T000000.000000Z"));
        Files.createDirectories(copy.resolve("." + first + ".damaged-20260101T000000.000000Z"));
        Files.createDirectories(copy.resolve("." + first + ".123-abc.tmp"));
        Cli.Outcome verify = Cli.run("verify", copy.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("intact (3 checkpoints"), verify.out());
        Cli.Outcome inspect = Cli.run("inspect", "--json", copy.toString());
        assertEquals(0, inspect.exit(), inspect.toString());
        JsonObject json = inspect.json();
        assertEquals("intact", json.get("integrity").getAsString());
        Map<String, String> status = new TreeMap<>();
        json.getAsJsonArray("checkpoints")
                .forEach(
                        e ->
                                status.put(
                                        e.getAsJsonObject().get("name").getAsString(),
                                        e.getAsJsonObject().get("status").getAsString()));
        assertEquals("ignored", status.get("plots"));
        assertEquals("abandoned", status.get("." + first + ".abandoned-20260101T000000.000000Z"));
        assertEquals("set-aside", status.get("." + first + ".damaged-20260101T000000.000000Z"));
        assertEquals("temporary", status.get("." + first + ".123-abc.tmp"));
        assertEquals(7, status.size(), status.toString());
    }

    @Test
    void verifyNamesTheDamagedFileAndTensor() throws IOException {
        Path copy = dir.resolve("damaged");
        copyTree(run, copy);
        Path checkpoint = copy.resolve("step-000000000009-epoch-000001-batch-000000004");
        Path parameters = checkpoint.resolve(TrainingCheckpoint.PARAMETERS_FILE);
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length - 1] ^= 0x10; // the last byte of the last tensor's data
        Files.write(parameters, bytes);
        Cli.Outcome o = Cli.run("verify", checkpoint.toString());
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.err().contains(parameters.toString()), o.err());
        assertTrue(
                o.err().matches("(?s).*: \\w+: data checksum is .*"),
                "names the tensor: " + o.err());
        Cli.Outcome all = Cli.run("verify", copy.toString());
        assertEquals(1, all.exit(), all.toString());
        assertTrue(all.err().contains(parameters.toString()), all.err());

        Files.delete(checkpoint.resolve("trainer-state.json"));
        Cli.Outcome missing = Cli.run("verify", checkpoint.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("trainer-state.json: missing"), missing.err());
        // Still the newest valid checkpoint is found, and inspect says which one is damaged.
        JsonObject json = Cli.run("inspect", "--json", copy.toString()).json();
        assertEquals("damaged", json.get("integrity").getAsString());
        assertEquals(
                "step-000000000010-epoch-000002-batch-000000000",
                json.get("newest_valid").getAsString());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.naturalOrder())::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static boolean near(int rgb, int expected) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d += Math.abs(((rgb >> shift) & 0xff) - ((expected >> shift) & 0xff));
        }
        return d < 60;
    }

    /** The pixels of a colour in the three columns around x, inside an area's rows. */
    static int column(BufferedImage image, int x, TrainingCurves.Area a, java.awt.Color color) {
        return count(image, new TrainingCurves.Area(x - 1, a.y(), 3, a.height()), color.getRGB());
    }

    static int count(BufferedImage image, TrainingCurves.Area a, int rgb) {
        int n = 0;
        for (int y = a.y(); y < a.y() + a.height(); y++) {
            for (int x = a.x(); x < a.x() + a.width(); x++) {
                n += near(image.getRGB(x, y), rgb) ? 1 : 0;
            }
        }
        return n;
    }
}
