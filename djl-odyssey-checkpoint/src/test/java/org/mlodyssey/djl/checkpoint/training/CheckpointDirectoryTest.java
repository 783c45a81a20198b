/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.s3.LoopbackS3Server;
import org.mlodyssey.djl.checkpoint.storage.s3.S3CheckpointStore;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest.FileEntry;

/**
 * What {@link CheckpointDirectory} does itself and what each of its two homes does: the argument
 * checks, the {@code latest} pointer written only when it changes, and listing, sizing and taking
 * out checkpoints in a local directory ({@link LocalCheckpoints}) and in a bucket ({@link
 * StoreCheckpoints}). The checkpoints are manifests written by hand: listing does not verify files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointDirectoryTest {

    private static final Map<String, FileEntry> FILES = files();

    @TempDir Path dir;

    private LoopbackS3Server server;
    private int buckets;

    @BeforeAll
    void startServer() throws IOException {
        server = LoopbackS3Server.startInMemory(true);
    }

    @AfterAll
    void stopServer() throws IOException {
        server.close();
    }

    private static Map<String, FileEntry> files() {
        Map<String, FileEntry> files = new LinkedHashMap<>();
        long size = 100;
        for (String file : TrainingCheckpoint.REQUIRED_FILES) {
            files.put(file, new FileEntry(size, 0));
            size += 10;
        }
        return files;
    }

    private static TrainingProgress at(long step) {
        return new TrainingProgress(0, 0, (int) step, step, List.of());
    }

    private static String name(long step) {
        return CheckpointDirectories.directoryName(at(step));
    }

    private static String manifestJson(long step) {
        return TrainingCheckpointManifest.forSave(at(step), Map.of(), FILES).toJson();
    }

    private static long expectedSize(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length + 100 + 110 + 120;
    }

    /** Checkpoints 1, 2 and 3 committed; 5 begun without a manifest; 4's records another step. */
    private Path localRun() throws IOException {
        Path root = dir.resolve("run");
        for (long step = 1; step <= 3; step++) {
            Path checkpoint = Files.createDirectories(root.resolve(name(step)));
            Files.writeString(
                    checkpoint.resolve(TrainingCheckpointManifest.FILE_NAME), manifestJson(step));
        }
        Files.writeString(
                Files.createDirectories(root.resolve(name(4)))
                        .resolve(TrainingCheckpointManifest.FILE_NAME),
                manifestJson(7));
        Files.createDirectories(root.resolve(name(5)));
        return root;
    }

    private S3CheckpointStore bucketRun() throws IOException {
        String bucket = "directory-" + ++buckets;
        server.createBucket(bucket);
        S3CheckpointStore store =
                S3CheckpointStore.open(
                        "s3://" + bucket + "/runs",
                        LoopbackS3Server.options(server.endpoint()).build());
        for (long step = 1; step <= 3; step++) {
            write(
                    store,
                    name(step) + "/" + TrainingCheckpointManifest.FILE_NAME,
                    manifestJson(step));
        }
        write(store, name(4) + "/" + TrainingCheckpointManifest.FILE_NAME, manifestJson(7));
        write(store, name(5) + "/" + TrainingCheckpoint.PARAMETERS_FILE, "begun");
        return store;
    }

    private static void write(CheckpointStore store, String key, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        store.write(key, channel -> channel.write(ByteBuffer.wrap(bytes)));
    }

    private static List<Path> listed(CheckpointDirectory checkpoints) throws IOException {
        return checkpoints.list().stream().map(CheckpointDirectory.Listed::directory).toList();
    }

    @Test
    void namesAreCheckedBeforeAnyIo() {
        CheckpointDirectory checkpoints = CheckpointDirectory.of(dir.resolve("a/../run"));
        Path root = dir.resolve("run");
        assertEquals(root, checkpoints.getRoot());
        assertEquals(root.resolve(name(3)), checkpoints.resolve(at(3)));
        assertTrue(checkpoints.contains(root.resolve("x/..").resolve(name(3))));
        assertFalse(checkpoints.contains(root.resolve(".tmp")));
        assertFalse(checkpoints.contains(dir.resolve("other").resolve(name(3))));

        IllegalArgumentException badName =
                assertThrows(IllegalArgumentException.class, () -> checkpoints.open("latest"));
        assertEquals("latest is not a training checkpoint's name", badName.getMessage());
        Path foreign = dir.resolve("other").resolve(name(3));
        IllegalArgumentException delete =
                assertThrows(IllegalArgumentException.class, () -> checkpoints.delete(foreign));
        assertEquals(foreign + " is not a checkpoint of " + root, delete.getMessage());
        IllegalArgumentException point =
                assertThrows(
                        IllegalArgumentException.class, () -> checkpoints.pointLatestAt(foreign));
        assertEquals(delete.getMessage(), point.getMessage());
        assertFalse(Files.exists(root), "nothing was created");
    }

    @Test
    void aLeaseThatIsNotPositiveIsRefusedWhereverItIsGiven() throws IOException {
        try (S3CheckpointStore store = bucketRun()) {
            for (Duration lease : List.of(Duration.ZERO, Duration.ofSeconds(-30))) {
                IllegalArgumentException on =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> CheckpointDirectory.on(store, lease));
                assertEquals(
                        "The lease must be at least 1 ms (its expiry is written in ms), got "
                                + lease,
                        on.getMessage());
                IllegalArgumentException open =
                        assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        CheckpointDirectory.open(
                                                store.location(),
                                                LoopbackS3Server.options(server.endpoint()).build(),
                                                lease));
                assertEquals(on.getMessage(), open.getMessage());
                // A local directory has no lease, but a wrong one is still a mistake.
                String local = dir.resolve("run").toString();
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CheckpointDirectory.open(local, null, lease));
            }
        }
    }

    @Test
    void aLocalManifestThatLiesAboutItsSizeOrIsNotUtf8IsSkippedWithoutBeingRead()
            throws IOException {
        Path root = localRun();
        Path huge = root.resolve(name(6)).resolve(TrainingCheckpointManifest.FILE_NAME);
        Files.createDirectories(huge.getParent());
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: 3 GiB that a whole read could not hold
        }
        Files.write(
                Files.createDirectories(root.resolve(name(7)))
                        .resolve(TrainingCheckpointManifest.FILE_NAME),
                new byte[] {'{', (byte) 0xC3, '}'});
        CheckpointDirectory checkpoints = CheckpointDirectory.of(root);
        assertEquals(
                List.of(root.resolve(name(1)), root.resolve(name(2)), root.resolve(name(3))),
                listed(checkpoints));
        IOException tooLarge =
                assertThrows(IOException.class, () -> checkpoints.sizeOf(huge.getParent()));
        assertTrue(tooLarge.getMessage().contains(huge.toString()), tooLarge.getMessage());
    }

    @Test
    void aLocationSplitsIntoItsDirectoryAndCheckpoint() {
        assertEquals(
                new LocationParts("s3://b/runs", name(3)),
                LocationParts.of("s3://b/runs/" + name(3) + "/"));
        LocationParts plain = LocationParts.of("s3://b/runs/");
        assertEquals("s3://b/runs", plain.root());
        assertNull(plain.name());
    }

    @Test
    void aLocalDirectoryListsSizesAndMovesAsideItsCheckpoints() throws IOException {
        Path root = localRun();
        CheckpointDirectory checkpoints = CheckpointDirectory.of(root);
        assertFalse(checkpoints.isRemote());
        assertEquals(root.toString(), checkpoints.toString());
        assertEquals(
                root.resolve(name(2)).toString(), checkpoints.locationOf(root.resolve(name(2))));
        assertTrue(checkpoints.exists(root.resolve(name(5))), "a directory, manifest or not");
        assertFalse(checkpoints.exists(root.resolve(name(6))));

        listsSizesAndTakesOutAfterStep2(checkpoints);
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(
                    3,
                    entries.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith(".") && n.contains(".abandoned-"))
                            .count());
        }
    }

    /**
     * Checks a run of {@link #localRun} or {@link #bucketRun}: its listings, a size, and that the
     * checkpoints after step 2 are taken out and step 1 deleted.
     */
    private static void listsSizesAndTakesOutAfterStep2(CheckpointDirectory checkpoints)
            throws IOException {
        Path root = checkpoints.getRoot();
        assertEquals(
                List.of(root.resolve(name(1)), root.resolve(name(2)), root.resolve(name(3))),
                listed(checkpoints));
        assertEquals(List.of(root.resolve(name(5))), checkpoints.listIncomplete());
        assertEquals(expectedSize(manifestJson(2)), checkpoints.sizeOf(root.resolve(name(2))));
        CheckpointDirectoryNotEmptyException notEmpty =
                assertThrows(
                        CheckpointDirectoryNotEmptyException.class,
                        checkpoints::requireNoCheckpoints);
        assertEquals(root.resolve(name(3)), notEmpty.getNewest());

        assertEquals(
                List.of(root.resolve(name(3)), root.resolve(name(4)), root.resolve(name(5))),
                checkpoints.moveAsideAfter(at(2)));
        assertEquals(List.of(root.resolve(name(1)), root.resolve(name(2))), listed(checkpoints));
        assertEquals(List.of(), checkpoints.listIncomplete());
        checkpoints.delete(root.resolve(name(1)));
        assertEquals(List.of(root.resolve(name(2))), listed(checkpoints));
    }

    @Test
    void aLocalPointerIsRewrittenOnlyWhenItNamesAnotherCheckpoint() throws IOException {
        Path root = localRun();
        CheckpointDirectory checkpoints = CheckpointDirectory.of(root);
        Path pointer = root.resolve(LatestPointer.FILE_NAME);
        assertEquals(Optional.empty(), checkpoints.readLatest());

        Files.writeString(pointer, name(2) + "  \n");
        checkpoints.pointLatestAt(root.resolve(name(2)));
        assertEquals(name(2) + "  \n", Files.readString(pointer), "left alone");

        checkpoints.pointLatestAt(root.resolve(name(3)));
        assertEquals(name(3) + "\n", Files.readString(pointer));
        assertEquals(Optional.of(root.resolve(name(3))), checkpoints.readLatest());

        Files.writeString(pointer, "../elsewhere\n");
        assertThrows(IOException.class, checkpoints::readLatest);
        checkpoints.pointLatestAt(root.resolve(name(3)));
        assertEquals(name(3) + "\n", Files.readString(pointer), "an unreadable pointer replaced");
    }

    @Test
    void aBucketListsSizesAndDeletesItsCheckpoints() throws IOException {
        try (S3CheckpointStore store = bucketRun()) {
            CheckpointDirectory checkpoints = CheckpointDirectory.on(store, Duration.ofSeconds(3));
            Path root = checkpoints.getRoot();
            assertTrue(checkpoints.isRemote());
            assertEquals(store.location(), checkpoints.toString());
            assertEquals(
                    store.locationOf(name(2) + "/"), checkpoints.locationOf(root.resolve(name(2))));
            assertFalse(checkpoints.exists(root.resolve(name(5))), "no manifest");
            assertTrue(checkpoints.exists(root.resolve(name(2))));

            listsSizesAndTakesOutAfterStep2(checkpoints);
            assertEquals(List.of(), store.list(name(1) + "/"));

            assertEquals(Optional.empty(), checkpoints.readLatest());
            write(store, LatestPointer.FILE_NAME, name(2) + "  \n");
            checkpoints.pointLatestAt(root.resolve(name(2)));
            assertEquals(
                    name(2).length() + 3, store.stat(LatestPointer.FILE_NAME).orElseThrow().size());
            checkpoints.pointLatestAt(root.resolve(name(3)));
            assertEquals(Optional.of(root.resolve(name(3))), checkpoints.readLatest());
        }
    }

    private static TrainingSnapshot snapshot(long step) {
        NDManager parameters = NDManager.newBaseManager();
        NDManager optimizer = NDManager.newBaseManager();
        return new TrainingSnapshot(
                at(step),
                Map.of("w", parameters.create(new float[] {1, 2, 3})),
                new OptimizerState("none", Map.of(), Map.of(), optimizer),
                parameters);
    }

    @Test
    void aCheckpointUnderAnotherPositionsNameIsRefusedInADirectoryAndABucket() throws Exception {
        Path root = dir.resolve("run");
        CheckpointDirectory local = CheckpointDirectory.of(root);
        try (TrainingSnapshot snapshot = snapshot(2)) {
            Files.move(local.save(snapshot, Map.of()), root.resolve(name(9)));
        }
        List<InvalidTrainingCheckpointException> skipped = new ArrayList<>();
        assertEquals(Optional.empty(), local.findLatestValid(skipped::add));
        assertEquals(1, skipped.size());
        assertEquals(
                "Training checkpoint "
                        + root.resolve(name(9))
                        + ": manifest.json: records "
                        + name(2)
                        + ", not the directory's position (MALFORMED_MANIFEST)",
                skipped.get(0).getMessage());
        InvalidTrainingCheckpointException openedLocally =
                assertThrows(InvalidTrainingCheckpointException.class, () -> local.open(name(9)));
        assertEquals(skipped.get(0).getMessage(), openedLocally.getMessage());

        try (S3CheckpointStore store = bucketRun()) {
            CheckpointDirectory bucket = CheckpointDirectory.on(store, Duration.ofSeconds(3));
            try (TrainingSnapshot snapshot = snapshot(6)) {
                bucket.save(snapshot, Map.of());
            }
            for (StoredObject object : store.list(name(6) + "/")) {
                byte[] bytes;
                try (var reader = store.open(object.key())) {
                    ByteBuffer all = ByteBuffer.allocate((int) reader.size());
                    reader.readFully(all, 0);
                    bytes = all.array();
                }
                store.write(
                        object.key().replace(name(6), name(9)),
                        channel -> channel.write(ByteBuffer.wrap(bytes)));
            }
            InvalidTrainingCheckpointException refused =
                    assertThrows(
                            InvalidTrainingCheckpointException.class, () -> bucket.open(name(9)));
            assertEquals(
                    InvalidTrainingCheckpointException.Kind.MALFORMED_MANIFEST, refused.getKind());
            assertTrue(
                    refused.getMessage()
                            .contains(
                                    "manifest.json: records "
                                            + name(6)
                                            + ", not the checkpoint's position"),
                    refused.getMessage());
            assertEquals(
                    bucket.getRoot().resolve(name(6)),
                    bucket.findLatestValid().orElseThrow().getDirectory());
        }
    }
}
