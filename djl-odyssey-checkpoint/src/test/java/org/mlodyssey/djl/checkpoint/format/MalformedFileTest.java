/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.assertFormatError;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.file;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.utf8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;

/** One malformed byte fixture per error kind a single file can have. */
class MalformedFileTest {

    private static final byte[] EIGHT = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final String W = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @TempDir Path dir;

    private int count;

    private Path fixture(byte[] bytes) throws IOException {
        return Fixtures.write(dir, "f" + (count++) + ".safetensors", bytes);
    }

    private Path fixture(String header, byte[] data) throws IOException {
        return fixture(file(header, data));
    }

    /** Loads a file and its tensors' data, as a caller would, closing everything. */
    private static void load(Path path) throws IOException {
        try (TensorFile checkpoint = TensorFile.load(path)) {
            for (Tensor tensor : checkpoint.tensors().values()) {
                tensor.data();
            }
        }
    }

    private void assertKind(Kind kind, String subject, String header, byte[] data)
            throws IOException {
        Path path = fixture(header, data);
        assertFormatError(kind, path, subject, () -> load(path));
        Files.delete(path); // nothing holds it open
    }

    /** An odyssey header for tensor "w" (F32 [2], data {@link #EIGHT}) with given metadata. */
    private static String odyssey(Map<String, String> overrides, boolean fixHeaderCrc) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("odyssey.format", "djl-odyssey");
        md.put("odyssey.format_version", "1");
        md.put("odyssey.tensor_crc32c", Fixtures.crcHex(EIGHT));
        md.putAll(overrides);
        if (fixHeaderCrc) {
            md.put(
                    "odyssey.header_crc32c",
                    Fixtures.headerCrc(
                            List.of(new Fixtures.Entry("w", "F32", new long[] {2}, 0, 8)), md));
        }
        String metadata =
                md.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                        .collect(Collectors.joining(","));
        return "{\"__metadata__\":{" + metadata + "},\"w\":" + W + "}";
    }

    @Test
    void validFixtureLoads() throws IOException {
        // the base fixtures are valid: each test below breaks exactly one thing
        load(fixture("{\"w\":" + W + "}", EIGHT));
        Path path = fixture(odyssey(Map.of(), true), EIGHT);
        try (TensorFile checkpoint = TensorFile.load(path)) {
            assertEquals(Integrity.VERIFIED, checkpoint.integrity());
            assertEquals(1, checkpoint.formatVersion());
            assertEquals(8, checkpoint.get("w").data().remaining());
        }
    }

    @Test
    void headerTooSmall() throws IOException {
        Path path = fixture(new byte[] {2, 0, 0, 0, 0, 0, 0});
        assertFormatError(Kind.HEADER_TOO_SMALL, path, "header length", () -> load(path));
    }

    @Test
    void headerTooLarge() throws IOException {
        // 2^40 in a 20-byte file: must fail on the cap, before allocating anything
        Path huge = fixture(file(1L << 40, utf8("{}"), new byte[10]));
        assertFormatError(Kind.HEADER_TOO_LARGE, huge, "header length", () -> load(huge));
        Path topBit = fixture(file(0x8000_0000_0000_0002L, utf8("{}"), new byte[0]));
        assertFormatError(Kind.HEADER_TOO_LARGE, topBit, "header length", () -> load(topBit));
        Path overCap = fixture(file(utf8("{}    "), new byte[0]));
        ReadOptions small = ReadOptions.builder().optMaxHeaderBytes(4).build();
        assertFormatError(
                Kind.HEADER_TOO_LARGE,
                overCap,
                "header length",
                () -> TensorFile.load(overCap, small).close());
    }

    @Test
    void headerBeyondFile() throws IOException {
        Path path = fixture(file(100, utf8("{}"), new byte[0]));
        assertFormatError(Kind.HEADER_BEYOND_FILE, path, "header length", () -> load(path));
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] header = utf8("{\"wA\":" + W + "}");
        header[3] = (byte) 0xff;
        Path path = fixture(file(header, EIGHT));
        assertFormatError(Kind.INVALID_UTF8, path, "header", () -> load(path));
        byte[] overlong = utf8("{\"wAA\":" + W + "}");
        overlong[3] = (byte) 0xc0; // overlong encoding of '/'
        overlong[4] = (byte) 0xaf;
        Path second = fixture(file(overlong, EIGHT));
        assertFormatError(Kind.INVALID_UTF8, second, "header", () -> load(second));
    }

    @Test
    void invalidJson() throws IOException {
        assertKind(Kind.INVALID_JSON, "header", "{\"w\":" + W, EIGHT); // truncated
        assertKind(Kind.INVALID_JSON, "header", "{\"w\":" + W + "}}", EIGHT); // trailing
        assertKind(Kind.INVALID_JSON, "header", "{\"w\":" + W + "} x", EIGHT);
        assertKind(Kind.INVALID_JSON, "header", "hello world", EIGHT); // not JSON
        assertKind(Kind.INVALID_JSON, "header", "", EIGHT); // empty
        assertKind(Kind.INVALID_JSON, "header", "{'w':" + W + "}", EIGHT); // lenient only
        assertKind(Kind.INVALID_JSON, "header", "{\"w\":" + W + ",}", EIGHT);
    }

    @Test
    void paddedHeaderParsesAndAMalformedOneNamesThePositionAfterItsPadding() throws IOException {
        String padding = " \t\r ".repeat(64) + " ".repeat(1000);
        Path padded = fixture("{\"w\":" + W + "}" + padding, EIGHT);
        try (TensorFile loaded = TensorFile.load(padded)) {
            assertEquals(8, loaded.tensors().get("w").byteSize());
        }
        String truncated = "{\"w\":" + W + " ".repeat(1000);
        Path path = fixture(truncated, EIGHT);
        TensorFileFormatException e =
                assertFormatError(Kind.INVALID_JSON, path, "header", () -> load(path));
        // the parser reads the padding, as it reads any whitespace, before it finds the end
        assertTrue(e.getMessage().contains("column " + (truncated.length() + 1)), e::getMessage);
    }

    @Test
    void invalidHeader() throws IOException {
        assertKind(
                Kind.INVALID_HEADER,
                "w.dtype",
                "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.dtype",
                "{\"w\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(Kind.INVALID_HEADER, "w", "{\"w\":[1,2]}", EIGHT);
        assertKind(Kind.INVALID_HEADER, "header", "[{\"w\":" + W + "}]", EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "__metadata__",
                "{\"__metadata__\":[],\"w\":" + W + "}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "__metadata__.epoch",
                "{\"__metadata__\":{\"epoch\":3},\"w\":" + W + "}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.extra",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_HEADER,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8e0]}}",
                EIGHT);
    }

    @Test
    void duplicateName() throws IOException {
        assertKind(Kind.DUPLICATE_NAME, "w", "{\"w\":" + W + ",\"w\":" + W + "}", EIGHT);
        assertKind(
                Kind.DUPLICATE_NAME,
                "__metadata__.k",
                "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"},\"w\":" + W + "}",
                EIGHT);
        assertKind(
                Kind.DUPLICATE_NAME,
                "__metadata__",
                "{\"__metadata__\":{},\"__metadata__\":{},\"w\":" + W + "}",
                EIGHT);
        assertKind(
                Kind.DUPLICATE_NAME,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"shape\":[2],\"data_offsets\":[0,8]}}",
                EIGHT);
    }

    @Test
    void unknownDtype() throws IOException {
        TensorFileFormatException e =
                assertFormatError(
                        Kind.UNKNOWN_DTYPE,
                        fixture("{\"w\":" + W.replace("F32", "F8_E9M9") + "}", EIGHT),
                        "w.dtype",
                        () -> load(dir.resolve("f" + (count - 1) + ".safetensors")));
        assertTrue(e.getMessage().contains("F8_E9M9"), e::getMessage);
        assertKind(Kind.UNKNOWN_DTYPE, "w.dtype", "{\"w\":" + W.replace("F32", "f32") + "}", EIGHT);
    }

    @Test
    void invalidShape() throws IOException {
        assertKind(
                Kind.INVALID_SHAPE,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.INVALID_SHAPE,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,-2],\"data_offsets\":[0,8]}}",
                EIGHT);
    }

    @Test
    void sizeOverflow() throws IOException {
        assertKind(
                Kind.SIZE_OVERFLOW,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                        + "\"data_offsets\":[0,8]}}",
                EIGHT);
        // fits as an element count, overflows as a byte count
        assertKind(
                Kind.SIZE_OVERFLOW,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],"
                        + "\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.SIZE_OVERFLOW,
                "w.shape",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],"
                        + "\"data_offsets\":[0,8]}}",
                EIGHT);
        assertKind(
                Kind.SIZE_OVERFLOW,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,18446744073709551624]}}",
                EIGHT);
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        assertKind(
                Kind.OFFSETS_OUT_OF_RANGE,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",
                EIGHT);
        assertKind(
                Kind.OFFSETS_OUT_OF_RANGE,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}",
                EIGHT);
    }

    @Test
    void offsetsNotContiguous() throws IOException {
        String a = "\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}";
        // overlap
        assertKind(
                Kind.OFFSETS_NOT_CONTIGUOUS,
                "b.data_offsets",
                "{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}",
                new byte[6]);
        // hole
        assertKind(
                Kind.OFFSETS_NOT_CONTIGUOUS,
                "b.data_offsets",
                "{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[6,8]}}",
                EIGHT);
        // not starting at 0
        assertKind(
                Kind.OFFSETS_NOT_CONTIGUOUS,
                "w.data_offsets",
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}",
                EIGHT);
    }

    @Test
    void sizeMismatch() throws IOException {
        assertKind(
                Kind.SIZE_MISMATCH,
                "w",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]);
        assertKind(
                Kind.SIZE_MISMATCH,
                "w",
                "{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                EIGHT);
    }

    @Test
    void trailingBytes() throws IOException {
        assertKind(Kind.TRAILING_BYTES, null, "{\"w\":" + W + "}", new byte[9]);
        assertKind(Kind.TRAILING_BYTES, null, "{}", new byte[1]);
    }

    @Test
    void truncated() throws IOException {
        assertKind(Kind.TRUNCATED, "w", "{\"w\":" + W + "}", new byte[7]);
        assertKind(Kind.TRUNCATED, "w", "{\"w\":" + W + "}", new byte[0]);
    }

    @Test
    void unsupportedVersion() throws IOException {
        Path path = fixture(odyssey(Map.of("odyssey.format_version", "3"), true), EIGHT);
        TensorFileFormatException e =
                assertFormatError(
                        Kind.UNSUPPORTED_VERSION, path, "odyssey.format_version", () -> load(path));
        assertTrue(
                e.getMessage()
                        .contains(
                                "written by format version 3, this reader supports up to 2;"
                                        + " upgrade djl-odyssey"),
                e::getMessage);
        // refused even with verification off: a newer file may mean something else
        ReadOptions noVerify = ReadOptions.builder().optVerify(false).build();
        assertFormatError(
                Kind.UNSUPPORTED_VERSION,
                path,
                "odyssey.format_version",
                () -> TensorFile.load(path, noVerify).close());
    }

    @Test
    void invalidMetadata() throws IOException {
        for (String version : new String[] {"one", "1.0", "", "0", "-1", " 1"}) {
            assertKind(
                    Kind.INVALID_METADATA,
                    "odyssey.format_version",
                    odyssey(Map.of("odyssey.format_version", version), true),
                    EIGHT);
        }
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.format",
                odyssey(Map.of("odyssey.format", "other-format"), true),
                EIGHT);
        // the format key damaged: must not pass as a plain safetensors file
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.format",
                odyssey(Map.of(), true).replace("\"odyssey.format\":", "\"odyssey.formau\":"),
                EIGHT);
        String crc = Fixtures.crcHex(EIGHT);
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.tensor_crc32c",
                odyssey(Map.of("odyssey.tensor_crc32c", crc + "," + crc), true),
                EIGHT);
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.tensor_crc32c",
                odyssey(Map.of("odyssey.tensor_crc32c", ""), true),
                EIGHT);
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.tensor_crc32c",
                odyssey(Map.of("odyssey.tensor_crc32c", "xyz01234"), true),
                EIGHT);
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.tensor_crc32c",
                odyssey(
                        Map.of(
                                "odyssey.tensor_crc32c",
                                crc.toUpperCase(java.util.Locale.ROOT) + "0"),
                        true),
                EIGHT);
        assertKind(
                Kind.INVALID_METADATA,
                "odyssey.header_crc32c",
                odyssey(Map.of("odyssey.header_crc32c", "12345"), false),
                EIGHT);
    }

    @Test
    void headerChecksumMismatch() throws IOException {
        Map<String, String> wrong = Map.of("odyssey.header_crc32c", "00000000");
        assertKind(Kind.HEADER_CHECKSUM_MISMATCH, "header", odyssey(wrong, false), EIGHT);
        // a user entry changed after the checksum was computed
        String header = odyssey(Map.of("epoch", "3"), true).replace("\"3\"", "\"4\"");
        assertKind(Kind.HEADER_CHECKSUM_MISMATCH, "header", header, EIGHT);
    }

    @Test
    void checksumMismatch() throws IOException {
        byte[] data = EIGHT.clone();
        data[5] ^= 0x10;
        assertKind(Kind.CHECKSUM_MISMATCH, "w", odyssey(Map.of(), true), data);
    }

    @Test
    void missingTensor() throws IOException {
        Path path = fixture(odyssey(Map.of(), true), EIGHT);
        ReadOptions options = ReadOptions.builder().optNames(List.of("w", "v")).build();
        assertFormatError(
                Kind.MISSING_TENSOR, path, "v", () -> TensorFile.load(path, options).close());
        try (TensorFileReader reader = TensorFileReader.open(path)) {
            TensorFileFormatException e =
                    assertThrows(TensorFileFormatException.class, () -> reader.read("v"));
            assertEquals(Kind.MISSING_TENSOR, e.getKind());
            assertEquals("v", e.getSubject());
        }
    }
}
