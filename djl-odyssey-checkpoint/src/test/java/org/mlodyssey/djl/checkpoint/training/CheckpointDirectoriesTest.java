/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.mlodyssey.djl.checkpoint.training.TinyTraining.RUN_SEED;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;
import org.mlodyssey.djl.checkpoint.training.InvalidTrainingCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;

/** Training checkpoints on disk: commit, verification, choice of the newest valid one, resume. */
class CheckpointDirectoriesTest {

    private static final String STEP_5 = "step-000000000005-epoch-000000-batch-000000005";
    private static final String STEP_10 = "step-000000000010-epoch-000001-batch-000000003";

    @TempDir static Path shared;
    private static Path pristine;

    /** Saves checkpoints at steps 5 and 10 of the same run once; tests copy them. */
    @BeforeAll
    static void saveTwoCheckpoints() throws Exception {
        pristine = shared.resolve("pristine");
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1)) {
            StepListener saver =
                    (trainer, progress) -> {
                        if (progress.globalStep() == 5 || progress.globalStep() == 10) {
                            try {
                                CheckpointDirectories.save(
                                        pristine, trainer, progress, Map.of("run", "test"));
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    };
            run.train(TrainingProgress.start(RUN_SEED), 10, saver);
        }
    }

    private static Path copyOfPristine(Path dir) throws IOException {
        Path root = dir.resolve("checkpoints");
        for (String name : List.of(STEP_5, STEP_10)) {
            Files.createDirectories(root.resolve(name));
            try (var files = Files.list(pristine.resolve(name))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.copy(file, root.resolve(name).resolve(file.getFileName()));
                }
            }
        }
        return root;
    }

    @Test
    void committedCheckpointHasTheDocumentedLayoutAndManifest() throws Exception {
        Path dir = pristine.resolve(STEP_10);
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of(
                            "manifest.json",
                            "optimizer.safetensors",
                            "parameters.safetensors",
                            "trainer-state.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        TrainingCheckpoint checkpoint = TrainingCheckpoint.open(dir);
        TrainingCheckpointManifest manifest = checkpoint.getManifest();
        assertEquals(10, manifest.globalStep());
        assertEquals(1, manifest.epoch());
        assertEquals(3, manifest.batchInEpoch());
        assertEquals("PyTorch", manifest.engineName());
        assertEquals("2.7.1", manifest.engineVersion());
        assertEquals("0.36.0", manifest.djlVersion());
        assertEquals(Map.of("run", "test"), manifest.metadata());
        assertEquals(
                Files.size(dir.resolve("parameters.safetensors")),
                manifest.files().get("parameters.safetensors").size());
        assertEquals(RUN_SEED, checkpoint.getProgress().seed());
        try (var entries = Files.list(pristine)) {
            assertTrue(
                    entries.noneMatch(p -> AtomicFiles.isTemporaryName(p.getFileName().toString())),
                    "no temporary directory is left behind");
        }
    }

    @Test
    void resumeFromDiskEndsBitIdenticalToTheUninterruptedRun(@TempDir Path dir) throws Exception {
        Path root = copyOfPristine(dir);
        try (TinyTraining straight = new TinyTraining(OptimizerKind.ADAM, 1);
                TinyTraining resumed = new TinyTraining(OptimizerKind.ADAM, 99)) {
            TrainingProgress end = straight.train(TrainingProgress.start(RUN_SEED), Long.MAX_VALUE);
            TrainingProgress from =
                    TinyTraining.restoreNewestOrStart(root, resumed.trainer(), 12345);
            assertEquals(10, from.globalStep());
            TrainingProgress resumedEnd = resumed.train(from, Long.MAX_VALUE);
            try (TrainingSnapshot expected = straight.snapshot(end);
                    TrainingSnapshot actual = resumed.snapshot(resumedEnd)) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void snapshotRoundTripsThroughDiskExactly(OptimizerKind kind, @TempDir Path dir)
            throws Exception {
        try (TinyTraining run = new TinyTraining(kind, 1)) {
            TrainingProgress progress = run.train(TrainingProgress.start(3), 9);
            try (TrainingSnapshot snapshot = run.snapshot(progress)) {
                Path saved = CheckpointDirectories.save(dir, snapshot, Map.of());
                try (TrainingSnapshot loaded = TrainingCheckpoint.open(saved).loadSnapshot()) {
                    TinyTraining.assertBitIdentical(snapshot, loaded);
                }
            }
        }
    }

    @Test
    void shardingOptionsLeaveEachTensorFileOfATrainingCheckpointOneFile(@TempDir Path dir)
            throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1)) {
            TrainingProgress progress = run.train(TrainingProgress.start(3), 4);
            try (TrainingSnapshot snapshot = run.snapshot(progress)) {
                WriteOptions options = WriteOptions.builder().optMaxShardBytes(64).build();
                Path saved = CheckpointDirectories.save(dir, snapshot, Map.of(), options);
                assertTrue(Files.isRegularFile(saved.resolve(TrainingCheckpoint.PARAMETERS_FILE)));
                assertTrue(Files.isRegularFile(saved.resolve(TrainingCheckpoint.OPTIMIZER_FILE)));
                try (TrainingSnapshot loaded = TrainingCheckpoint.open(saved).loadSnapshot()) {
                    TinyTraining.assertBitIdentical(snapshot, loaded);
                }
            }
        }
    }

    @Test
    void emptyOrAbsentDirectoryStartsANewRun(@TempDir Path dir) throws Exception {
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1)) {
            assertEquals(
                    TrainingProgress.start(77),
                    TinyTraining.restoreNewestOrStart(dir.resolve("absent"), run.trainer(), 77));
            assertEquals(
                    TrainingProgress.start(77),
                    TinyTraining.restoreNewestOrStart(dir, run.trainer(), 77));
        }
    }

    @Test
    void aCheckpointOfTheSamePositionIsNotOverwritten(@TempDir Path dir) throws Exception {
        Path root = copyOfPristine(dir);
        try (TrainingSnapshot snapshot =
                TrainingCheckpoint.open(root.resolve(STEP_10)).loadSnapshot()) {
            assertThrows(
                    FileAlreadyExistsException.class,
                    () -> CheckpointDirectories.save(root, snapshot, Map.of()));
        }
    }

    @Test
    void aDamagedCheckpointIsMovedAsideWhenTheResumedRunSavesItsPositionAgain(@TempDir Path dir)
            throws Exception {
        Path root = dir.resolve("checkpoints");
        StepListener everyThirdStep =
                (trainer, progress) -> {
                    if (progress.globalStep() % 3 == 0) {
                        try {
                            CheckpointDirectories.save(root, trainer, progress, Map.of());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
        try (TinyTraining first = new TinyTraining(OptimizerKind.ADAM, 1);
                TinyTraining resumed = new TinyTraining(OptimizerKind.ADAM, 99)) {
            TrainingProgress at6 = first.train(TrainingProgress.start(RUN_SEED), 6, everyThirdStep);
            String name = CheckpointDirectories.directoryName(at6);
            damage(root.resolve(name), Damage.FLIPPED_BIT_IN_PARAMETERS);

            TrainingProgress from = TinyTraining.restoreNewestOrStart(root, resumed.trainer(), 0);
            assertEquals(3, from.globalStep(), "the damaged step 6 is skipped");
            assertEquals(6, resumed.train(from, 6, everyThirdStep).globalStep());

            TrainingCheckpoint saved = CheckpointDirectories.findLatestValid(root).orElseThrow();
            assertEquals(root.resolve(name), saved.getDirectory());
            try (TrainingSnapshot expected = first.snapshot(at6);
                    TrainingSnapshot actual = saved.loadSnapshot()) {
                TinyTraining.assertBitIdentical(expected, actual);
            }
            List<Path> aside = new ArrayList<>();
            try (var entries = Files.list(root)) {
                entries.filter(p -> p.getFileName().toString().startsWith("." + name + ".damaged-"))
                        .forEach(aside::add);
            }
            assertEquals(1, aside.size(), "the damaged checkpoint is kept aside");
            InvalidTrainingCheckpointException e =
                    assertThrows(
                            InvalidTrainingCheckpointException.class,
                            () -> TrainingCheckpoint.open(aside.get(0)));
            assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind(), "kept as it was");
            // Neither a later save nor the search touch it.
            AtomicFiles.deleteStaleTemporaries(root, null);
            assertTrue(Files.isDirectory(aside.get(0)));
        }
    }

    /** The ways the newer checkpoint is damaged, and what verification must say. */
    enum Damage {
        MISSING_OPTIMIZER_FILE(Kind.MISSING_FILE, "optimizer.safetensors"),
        TRUNCATED_PARAMETERS(Kind.SIZE_MISMATCH, "parameters.safetensors"),
        FLIPPED_BIT_IN_PARAMETERS(Kind.CHECKSUM_MISMATCH, "parameters.safetensors"),
        FLIPPED_BIT_IN_OPTIMIZER(Kind.CHECKSUM_MISMATCH, "optimizer.safetensors"),
        FLIPPED_BIT_IN_TRAINER_STATE(Kind.CHECKSUM_MISMATCH, "trainer-state.json"),
        FLIPPED_BIT_IN_MANIFEST(Kind.CHECKSUM_MISMATCH, "manifest.json"),
        MISSING_MANIFEST(Kind.MISSING_MANIFEST, "manifest.json"),
        MANIFEST_IS_A_DIRECTORY(Kind.UNREADABLE_FILE, "manifest.json"),
        OVERSIZED_MANIFEST(Kind.MANIFEST_TOO_LARGE, "manifest.json"),
        NEWER_FORMAT_VERSION(Kind.UNSUPPORTED_VERSION, "manifest.json");

        final Kind reason;
        final String file;

        Damage(Kind reason, String file) {
            this.reason = reason;
            this.file = file;
        }
    }

    private static void damage(Path checkpoint, Damage damage) throws IOException {
        Path file = checkpoint.resolve(damage.file);
        switch (damage) {
            case MISSING_OPTIMIZER_FILE:
            case MISSING_MANIFEST:
                Files.delete(file);
                break;
            case TRUNCATED_PARAMETERS:
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() - 3);
                }
                break;
            case MANIFEST_IS_A_DIRECTORY:
                Files.delete(file);
                Files.createDirectory(file);
                break;
            case OVERSIZED_MANIFEST:
                padManifest(file, TrainingCheckpoint.MAX_MANIFEST_BYTES + 1);
                break;
            case NEWER_FORMAT_VERSION:
                TrainingCheckpointManifest m =
                        TrainingCheckpointManifest.parse(
                                checkpoint, Files.readString(file, StandardCharsets.UTF_8));
                TrainingCheckpointManifest newer =
                        new TrainingCheckpointManifest(
                                2,
                                m.globalStep(),
                                m.epoch(),
                                m.batchInEpoch(),
                                m.createdAt(),
                                m.djlVersion(),
                                m.engineName(),
                                m.engineVersion(),
                                m.metadata(),
                                m.files());
                Files.writeString(file, newer.toJson(), StandardCharsets.UTF_8);
                break;
            default:
                byte[] bytes = Files.readAllBytes(file);
                // A bit in the last third: tensor data for the tensor files, a value in JSON.
                int at = bytes.length - bytes.length / 3;
                bytes[at] ^= 0x04;
                Files.write(file, bytes);
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedCheckpointIsRefusedPreciselyAndThePreviousOneChosen(
            Damage damage, @TempDir Path dir) throws Exception {
        Path root = copyOfPristine(dir);
        Path newer = root.resolve(STEP_10);
        damage(newer, damage);

        InvalidTrainingCheckpointException e =
                assertThrows(
                        InvalidTrainingCheckpointException.class,
                        () -> TrainingCheckpoint.open(newer));
        assertEquals(damage.reason, e.getKind(), e.getMessage());
        assertEquals(damage.file, e.getFile());
        assertEquals(newer, e.getDirectory());
        assertTrue(e.getMessage().contains(newer.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(damage.file), e.getMessage());

        List<InvalidTrainingCheckpointException> skipped = new ArrayList<>();
        Optional<TrainingCheckpoint> chosen =
                CheckpointDirectories.findLatestValid(root, skipped::add);
        assertEquals(root.resolve(STEP_5), chosen.orElseThrow().getDirectory());
        assertEquals(1, skipped.size());
        assertEquals(damage.reason, skipped.get(0).getKind());
    }

    /** Pads a manifest with trailing spaces (which JSON allows) to exactly {@code size} bytes. */
    private static void padManifest(Path file, int size) throws IOException {
        byte[] text = Files.readAllBytes(file);
        byte[] padded = java.util.Arrays.copyOf(text, size);
        java.util.Arrays.fill(padded, text.length, size, (byte) ' ');
        Files.write(file, padded);
    }

    @Test
    void aManifestOfExactlyTheSizeLimitIsRead(@TempDir Path dir) throws Exception {
        Path root = copyOfPristine(dir);
        Path manifest = root.resolve(STEP_10).resolve("manifest.json");
        padManifest(manifest, TrainingCheckpoint.MAX_MANIFEST_BYTES);
        try {
            assertEquals(
                    10, TrainingCheckpoint.open(root.resolve(STEP_10)).getProgress().globalStep());
        } catch (InvalidTrainingCheckpointException e) {
            // Trailing spaces may change the self-checksum, but the size does not refuse it.
            assertTrue(e.getKind() != Kind.MANIFEST_TOO_LARGE, e.getMessage());
        }
    }

    @Test
    void anUnreadableManifestIsSkipped(@TempDir Path dir) throws Exception {
        assumeFalse(
                "root".equals(System.getProperty("user.name")),
                "root reads files whatever their permissions");
        Path root = copyOfPristine(dir);
        Path manifest = root.resolve(STEP_10).resolve("manifest.json");
        Files.setPosixFilePermissions(manifest, java.util.Set.of());
        InvalidTrainingCheckpointException e =
                assertThrows(
                        InvalidTrainingCheckpointException.class,
                        () -> TrainingCheckpoint.open(root.resolve(STEP_10)));
        assertEquals(Kind.UNREADABLE_FILE, e.getKind(), e.getMessage());
        assertEquals("manifest.json", e.getFile());
        assertEquals(
                root.resolve(STEP_5),
                CheckpointDirectories.findLatestValid(root).orElseThrow().getDirectory());
    }

    @Test
    void halfWrittenTemporaryDirectoryIsSkippedAndTheCommittedOneChosen(@TempDir Path dir)
            throws Exception {
        Path root = copyOfPristine(dir);
        Path half = root.resolve(".step-000000000015-epoch-000002-batch-000000001.1-abc.tmp");
        Files.createDirectory(half);
        Files.copy(
                root.resolve(STEP_10).resolve("parameters.safetensors"),
                half.resolve("parameters.safetensors"));
        List<InvalidTrainingCheckpointException> skipped = new ArrayList<>();
        Optional<TrainingCheckpoint> chosen =
                CheckpointDirectories.findLatestValid(root, skipped::add);
        assertEquals(root.resolve(STEP_10), chosen.orElseThrow().getDirectory());
        assertEquals(1, skipped.size());
        assertEquals(Kind.MISSING_MANIFEST, skipped.get(0).getKind());
        assertEquals(half, skipped.get(0).getDirectory());
    }

    @Test
    void noValidCheckpointGivesEmpty(@TempDir Path dir) throws Exception {
        Path root = copyOfPristine(dir);
        Files.delete(root.resolve(STEP_5).resolve("manifest.json"));
        Files.delete(root.resolve(STEP_10).resolve("trainer-state.json"));
        List<InvalidTrainingCheckpointException> skipped = new ArrayList<>();
        assertTrue(CheckpointDirectories.findLatestValid(root, skipped::add).isEmpty());
        assertEquals(
                List.of(Kind.MISSING_FILE, Kind.MISSING_MANIFEST),
                skipped.stream().map(InvalidTrainingCheckpointException::getKind).toList());
    }
}
