/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.AtomicFiles;

class LocalCheckpointStoreTest {

    @TempDir Path dir;

    private static ObjectContent text(String s) {
        return channel -> channel.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writesListsReadsAndDeletesNestedKeys() throws IOException {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir.resolve("run"));
        assertEquals(List.of(), store.list(""));
        WrittenObject written = store.write("step-2/model.odc", text("hello"));
        CRC32C crc = new CRC32C();
        crc.update("hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(new WrittenObject("step-2/model.odc", 5, (int) crc.getValue()), written);
        store.write("step-10/model.odc", text("x"));
        store.write("latest", text("step-10"));
        assertEquals(
                List.of(
                        new StoredObject("latest", 7),
                        new StoredObject("step-10/model.odc", 1),
                        new StoredObject("step-2/model.odc", 5)),
                store.list(""));
        assertEquals(List.of(new StoredObject("step-2/model.odc", 5)), store.list("step-2/"));
        try (ObjectReader reader = store.open("step-2/model.odc")) {
            ByteBuffer ell = ByteBuffer.allocate(3);
            reader.readFully(ell, 1);
            assertEquals("ell", new String(ell.array(), StandardCharsets.UTF_8));
            assertEquals(-1, reader.read(ByteBuffer.allocate(1), 5));
        }
        assertEquals(1, store.deleteAll("step-2/"));
        assertFalse(Files.exists(dir.resolve("run/step-2")));
        store.delete("latest");
        store.delete("latest");
        assertEquals(List.of(new StoredObject("step-10/model.odc", 1)), store.list(""));
        assertThrows(NoSuchFileException.class, () -> store.open("latest"));
        assertTrue(store.stat("latest").isEmpty());
        assertTrue(store.hasAtomicRename());
    }

    @Test
    void aFailingWriterLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir);
        store.write("k", text("old"));
        assertThrows(
                IOException.class,
                () ->
                        store.write(
                                "k",
                                channel -> {
                                    channel.write(ByteBuffer.wrap(new byte[100]));
                                    throw new IOException("gone");
                                }));
        assertEquals("old", Files.readString(dir.resolve("k")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("k")), files.toList());
        }
    }

    @Test
    void listingWhileAnotherWriterCreatesAndDeletesFilesIsNoError() throws Exception {
        // As the ranks of a distributed save do: files and directories appear and vanish while
        // the coordinator lists. A vanished entry is simply not listed.
        LocalCheckpointStore store = LocalCheckpointStore.of(dir);
        store.write("kept", text("k"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn =
                new Thread(
                        () -> {
                            int i = 0;
                            while (!stop.get()) {
                                Path sub = dir.resolve("rank-" + (i % 4));
                                try {
                                    Files.createDirectories(sub);
                                    for (int j = 0; j < 8; j++) {
                                        Files.writeString(sub.resolve("f" + j), "x");
                                    }
                                    for (int j = 0; j < 8; j++) {
                                        Files.delete(sub.resolve("f" + j));
                                    }
                                    Files.delete(sub);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                                i++;
                            }
                        });
        churn.start();
        try {
            for (int n = 0; n < 3000; n++) {
                List<StoredObject> listed = store.list("");
                assertTrue(listed.contains(new StoredObject("kept", 1)), listed::toString);
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }

    @Test
    void temporaryFilesAreNotListed() throws IOException {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir);
        Files.writeString(dir.resolve(AtomicFiles.temporaryName("k")), "partial");
        store.write("k", text("done"));
        assertEquals(List.of(new StoredObject("k", 4)), store.list(""));
    }

    @Test
    void keysCannotLeaveTheRoot() {
        LocalCheckpointStore store = LocalCheckpointStore.of(dir.resolve("run"));
        assertThrows(IllegalArgumentException.class, () -> store.resolve("../other/x"));
        assertThrows(IllegalArgumentException.class, () -> store.resolve("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store.resolve(""));
        assertThrows(IllegalArgumentException.class, () -> store.deleteAll(""));
    }
}
