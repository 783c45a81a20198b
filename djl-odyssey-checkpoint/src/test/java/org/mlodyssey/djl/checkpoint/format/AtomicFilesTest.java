/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;

/** Atomic replacement: the target is always the old file or the new one, complete. */
class AtomicFilesTest {

    private static final WriteOptions FAST = WriteOptions.builder().optDurable(false).build();

    @TempDir Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static TensorFile oneTensor(byte value, int count) {
        byte[] data = new byte[count];
        java.util.Arrays.fill(data, value);
        return new TensorFile()
                .put("x", Tensor.of(TensorDType.U8, new long[] {count}, ByteBuffer.wrap(data)));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] result = new byte[buffer.remaining()];
        buffer.duplicate().get(result);
        return result;
    }

    /** Returns the pid of a process that has exited and been reaped. */
    private static long deadPid() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        long pid = process.pid();
        assumeFalse(
                ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                "pid reused at once");
        return pid;
    }

    @Test
    void aFailingWriteLeavesTheOldTargetAndNoTemporary() throws IOException {
        Path target = dir.resolve("t.bin");
        AtomicFiles.write(target, c -> c.write(ByteBuffer.wrap(new byte[] {1, 2, 3})), false);
        IOException failure = new IOException("disk on fire");
        IOException thrown =
                assertThrows(
                        IOException.class,
                        () ->
                                AtomicFiles.write(
                                        target,
                                        c -> {
                                            c.write(ByteBuffer.wrap(new byte[1000]));
                                            throw failure;
                                        },
                                        true));
        assertSame(failure, thrown);
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("t.bin"), listing());
        // an unchecked failure too
        assertThrows(
                IllegalStateException.class,
                () ->
                        AtomicFiles.write(
                                target,
                                c -> {
                                    c.write(ByteBuffer.wrap(new byte[10]));
                                    throw new IllegalStateException("bug");
                                },
                                false));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("t.bin"), listing());
    }

    @Test
    void aFailedFirstWriteCreatesNothing() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(
                IOException.class,
                () ->
                        AtomicFiles.write(
                                target,
                                c -> {
                                    throw new IOException("no");
                                },
                                false));
        assertEquals(List.of(), listing());
    }

    @Test
    void readersSeeTheOldFileWhileANewOneIsBeingWritten() throws IOException {
        Path target = dir.resolve("model.safetensors");
        oneTensor((byte) 1, 16).save(target, FAST);
        byte[] newFile;
        Path staging = dir.resolve("staging").resolve("model.safetensors");
        Files.createDirectory(staging.getParent());
        oneTensor((byte) 2, 16).save(staging, FAST);
        newFile = Files.readAllBytes(staging);
        AtomicFiles.write(
                target,
                channel -> {
                    channel.write(ByteBuffer.wrap(newFile, 0, newFile.length / 2));
                    // midway: the target is still the complete old file, and loads as such
                    try (TensorFile during = TensorFile.load(target)) {
                        assertArrayEquals(new byte[] {1, 1, 1, 1}, slice(during, 4));
                    }
                    assertTrue(listing().stream().anyMatch(AtomicFiles::isTemporaryName));
                    channel.write(
                            ByteBuffer.wrap(
                                    newFile,
                                    newFile.length / 2,
                                    newFile.length - newFile.length / 2));
                },
                false);
        try (TensorFile after = TensorFile.load(target)) {
            assertArrayEquals(new byte[] {2, 2, 2, 2}, slice(after, 4));
        }
        assertEquals(List.of("model.safetensors", "staging"), listing());
    }

    private static byte[] slice(TensorFile checkpoint, int length) throws IOException {
        byte[] result = new byte[length];
        checkpoint.get("x").data().get(result);
        return result;
    }

    @Test
    void staleTemporaryOfADeadProcessIsDeleted() throws Exception {
        Path target = dir.resolve("t.bin");
        long dead = deadPid();
        String stale = ".t.bin." + dead + "-abc123.tmp";
        String otherTarget = ".u.bin." + dead + "-abc123.tmp";
        String live = ".t.bin." + ProcessHandle.current().pid() + "-def456.tmp";
        for (String name : List.of(stale, otherTarget, live)) {
            assertTrue(AtomicFiles.isTemporaryName(name), name);
            Files.write(dir.resolve(name), new byte[] {9});
        }
        AtomicFiles.write(target, c -> c.write(ByteBuffer.wrap(new byte[] {1})), false);
        List<String> after = listing();
        assertFalse(after.contains(stale), "stale temporary of a dead pid kept");
        assertTrue(after.contains(live), "temporary of a live pid deleted");
        assertTrue(after.contains(otherTarget), "temporary of another target deleted");
        assertEquals(3, after.size(), after::toString);
    }

    @Test
    void aTemporaryNameWithAnOverlongPidDoesNotBreakWrites() throws IOException {
        Path target = dir.resolve("t.bin");
        String odd = ".t.bin.99999999999999999999999-abc.tmp";
        Files.write(dir.resolve(odd), new byte[] {9});
        AtomicFiles.write(target, c -> c.write(ByteBuffer.wrap(new byte[] {1})), false);
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(target));
        // no process can have such a pid: the file is stale
        assertEquals(List.of("t.bin"), listing());
    }

    @Test
    void temporaryNamesAreRecognised() {
        String name = AtomicFiles.temporaryName("model.safetensors");
        assertTrue(AtomicFiles.isTemporaryName(name), name);
        assertTrue(name.startsWith(".model.safetensors." + ProcessHandle.current().pid() + "-"));
        assertFalse(AtomicFiles.isTemporaryName("model.safetensors"));
        assertFalse(AtomicFiles.isTemporaryName(".model.safetensors.tmp"));
    }

    @Test
    void savingOverAnOpenCheckpointKeepsItsDataReadable() throws IOException {
        Path target = dir.resolve("model.safetensors");
        oneTensor((byte) 5, 64).save(target, FAST);
        try (TensorFile open = TensorFile.load(target)) {
            oneTensor((byte) 6, 32).save(target, FAST);
            // the open checkpoint still reads the old file, and verifies
            byte[] old = bytes(open.get("x").data());
            assertEquals(64, old.length);
            for (byte b : old) {
                assertEquals(5, b);
            }
            open.verify();
            try (TensorFile fresh = TensorFile.load(target)) {
                assertEquals(32, fresh.get("x").data().remaining());
                assertEquals(6, fresh.get("x").data().get(0));
            }
        }
    }

    @Test
    void aLoadedCheckpointCanBeSavedBackOverItsOwnFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        oneTensor((byte) 3, 16).save(target, FAST);
        try (TensorFile loaded = TensorFile.load(target)) {
            loaded.putMetadata("epoch", "1");
            loaded.save(target, FAST);
        }
        try (TensorFile again = TensorFile.load(target)) {
            assertEquals("1", again.metadata().get("epoch"));
            assertEquals(3, again.get("x").data().get(15));
        }
    }

    @Test
    void durableSavesSingleAndShardedSucceed() throws IOException {
        Path target = dir.resolve("model.safetensors");
        oneTensor((byte) 1, 8).put("y", oneTensor((byte) 2, 8).get("x")).save(target);
        oneTensor((byte) 3, 8)
                .put("y", oneTensor((byte) 4, 8).get("x"))
                .save(target, WriteOptions.builder().optMaxShardBytes(8).build());
        assertEquals(
                List.of(
                        "model-00001-of-00002.safetensors",
                        "model-00002-of-00002.safetensors",
                        "model.safetensors.index.json"),
                listing());
        try (TensorFile loaded = TensorFile.load(target)) {
            assertEquals(3, loaded.get("x").data().get(0));
            assertEquals(4, loaded.get("y").data().get(7));
        }
    }

    @Test
    void deleteRecursivelyDeletesATreeButNotWhatALinkInItPointsTo(@TempDir Path dir)
            throws IOException {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/file"), "x");
        Files.createSymbolicLink(tree.resolve("a/link"), outside);
        Files.createSymbolicLink(tree.resolve("dirlink"), dir);

        assertTrue(AtomicFiles.deleteRecursively(tree));
        assertFalse(Files.exists(tree));
        assertEquals("keep", Files.readString(outside));
        assertFalse(AtomicFiles.deleteRecursively(tree), "absent: nothing to delete");
    }
}
