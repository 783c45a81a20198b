/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.assertFormatError;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/**
 * Inputs an attacker would try on the reader: paths that are not files, headers that cost memory
 * out of proportion, and the corner cases where the spec and a lenient parser could disagree.
 */
class HostileInputTest {

    private static final String W = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @TempDir Path dir;

    static Path mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo unavailable");
        return path;
    }

    private static void load(Path path) throws IOException {
        try (TensorFile checkpoint = TensorFile.load(path)) {
            for (Tensor tensor : checkpoint.tensors().values()) {
                tensor.data();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = mkfifo(dir.resolve("model.safetensors"));
        assertFormatError(Kind.NOT_A_REGULAR_FILE, fifo, null, () -> load(fifo));
        Path index = mkfifo(dir.resolve("sharded.safetensors.index.json"));
        assertFormatError(Kind.NOT_A_REGULAR_FILE, index, null, () -> load(index));
    }

    @Test
    void aDirectoryIsRefusedWithATypedError() throws Exception {
        Path d = Files.createDirectory(dir.resolve("model.safetensors"));
        TensorFileFormatException e =
                assertFormatError(Kind.NOT_A_REGULAR_FILE, d, null, () -> load(d));
        assertTrue(e.getMessage().contains("a directory"), e.getMessage());
    }

    @Test
    void anEmptyTensorNameIsRefused() throws Exception {
        Path f = Fixtures.write(dir, "e.safetensors", file("{\"\":" + W + "}", new byte[8]));
        assertFormatError(Kind.INVALID_HEADER, f, "header", () -> load(f));
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsRefused() throws Exception {
        byte[] json = ("\ufeff{\"w\":" + W + "}").getBytes(StandardCharsets.UTF_8);
        Path f = Fixtures.write(dir, "bom.safetensors", file(json, new byte[8]));
        TensorFileFormatException e =
                assertFormatError(Kind.INVALID_JSON, f, "header", () -> load(f));
        assertTrue(e.getMessage().contains("byte order mark"), e.getMessage());
    }

    @Test
    void anUnpairedSurrogateIsRefusedInNamesAndMetadata() throws Exception {
        String[] headers = {
            "{\"w\\ud800\":" + W + "}",
            "{\"__metadata__\":{\"k\\udc00\":\"v\"},\"w\":" + W + "}",
            "{\"__metadata__\":{\"k\":\"v\\ud800x\"},\"w\":" + W + "}"
        };
        for (String header : headers) {
            Path f = Fixtures.write(dir, "s.safetensors", file(header, new byte[8]));
            TensorFileFormatException e =
                    assertFormatError(Kind.INVALID_HEADER, f, "header", () -> load(f));
            assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        }
        // a surrogate pair is one character, and fine
        Path ok =
                Fixtures.write(
                        dir,
                        "ok.safetensors",
                        file("{\"w\\ud834\\udd1e\":" + W + "}", new byte[8]));
        try (TensorFile checkpoint = TensorFile.load(ok)) {
            assertTrue(checkpoint.names().contains("w\ud834\udd1e"));
        }
    }

    @Test
    void theWriterRefusesWhatTheReaderRefuses() {
        Tensor t = Tensor.of(TensorDType.F32, new long[] {2}, ByteBuffer.allocate(8));
        assertThrows(IllegalArgumentException.class, () -> new TensorFile().put("", t));
        TensorFile lone = new TensorFile().put("w\ud800", t);
        assertThrows(IllegalArgumentException.class, () -> lone.save(dir.resolve("l.safetensors")));
        TensorFile loneMeta = new TensorFile().put("w", t).putMetadata("k", "\udc00");
        assertThrows(
                IllegalArgumentException.class, () -> loneMeta.save(dir.resolve("m.safetensors")));
    }

    @Test
    void boolBytesOtherThanZeroAndOneRoundTripUnchangedAsTheSpecSays() throws Exception {
        Path f = dir.resolve("b.safetensors");
        new TensorFile()
                .put(
                        "mask",
                        Tensor.of(
                                TensorDType.BOOL,
                                new long[] {3},
                                ByteBuffer.wrap(new byte[] {0, 1, 2})))
                .save(f);
        try (TensorFile loaded = TensorFile.load(f)) {
            ByteBuffer data = loaded.get("mask").data();
            assertEquals(2, data.get(2));
        }
    }

    @Test
    void theWriterNeverWritesAByteOrderMark() throws Exception {
        Path f = dir.resolve("w.safetensors");
        new TensorFile()
                .put("w", Tensor.of(TensorDType.F32, new long[] {2}, ByteBuffer.allocate(8)))
                .save(f);
        assertEquals('{', Files.readAllBytes(f)[8]);
    }

    @Test
    void aHeaderWithMoreEntriesThanTheCapIsRefusedBeforeTheyAreBuilt() throws Exception {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i <= TensorHeader.MAX_ENTRIES; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append("\"")
                    .append(i)
                    .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        Path f =
                Fixtures.write(
                        dir, "many.safetensors", file(sb.append('}').toString(), new byte[0]));
        TensorFileFormatException e =
                assertFormatError(Kind.HEADER_TOO_LARGE, f, "header", () -> load(f));
        assertTrue(
                e.getMessage().contains(Integer.toString(TensorHeader.MAX_ENTRIES)),
                e.getMessage());
        StringBuilder meta = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i <= TensorHeader.MAX_ENTRIES; i++) {
            meta.append(i == 0 ? "" : ",").append("\"").append(i).append("\":\"\"");
        }
        Path m =
                Fixtures.write(
                        dir, "meta.safetensors", file(meta.append("}}").toString(), new byte[0]));
        assertFormatError(Kind.HEADER_TOO_LARGE, m, "header", () -> load(m));
    }

    @Test
    void jsonErrorsAreOursOnOneLineWithoutRawControlCharacters() throws Exception {
        String[] headers = {"{\"w\":", "{\"w\u0000\n\u001b[2K\" 1}", "{w: 1}", "[1, 2]x"};
        for (String header : headers) {
            Path f = Fixtures.write(dir, "j.safetensors", file(header, new byte[0]));
            TensorFileFormatException e =
                    assertThrows(TensorFileFormatException.class, () -> load(f));
            String m = e.getMessage();
            assertFalse(m.contains("setStrictness"), m);
            assertFalse(m.contains("http"), m);
            assertFalse(m.chars().anyMatch(c -> c < 0x20), m);
            assertTrue(m.contains("j.safetensors"), m);
        }
    }

    @Test
    void aHeaderThatIsNotUtf8NamesTheOffset() throws Exception {
        byte[] json = ("{\"w\":" + W + "}").getBytes(StandardCharsets.UTF_8);
        json[3] = (byte) 0xc0;
        Path f = Fixtures.write(dir, "u.safetensors", file(json, new byte[8]));
        TensorFileFormatException e =
                assertFormatError(Kind.INVALID_UTF8, f, "header", () -> load(f));
        assertTrue(e.getMessage().contains("offset 3"), e.getMessage());
    }

    @Test
    void anIndexThatIsNotUtf8OrTooLargeIsRefusedWithATypedError() throws Exception {
        Path index =
                Files.write(dir.resolve("x.safetensors.index.json"), new byte[] {'{', (byte) 0xff});
        TensorFileFormatException e =
                assertFormatError(Kind.INVALID_UTF8, index, null, () -> load(index));
        assertTrue(e.getMessage().contains("offset 1"), e.getMessage());
        Files.write(index, new byte[2048]);
        ReadOptions small = ReadOptions.builder().optMaxHeaderBytes(1024).build();
        TensorFileFormatException big =
                assertThrows(TensorFileFormatException.class, () -> TensorFile.load(index, small));
        assertEquals(Kind.HEADER_TOO_LARGE, big.getKind());
        Files.writeString(index, "{\"weight_map\": {\"a\": \"x.safetensors\"}} trailing");
        assertFormatError(Kind.INVALID_INDEX, index, null, () -> load(index));
    }
}
