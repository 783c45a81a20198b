/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.mlodyssey.djl.checkpoint.distributed.DistributedCheckpointException.Kind;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.internal.JsonErrors;
import org.mlodyssey.djl.checkpoint.internal.StrictJson;

/** A JSON object being read, with the path of its fields for messages. */
final class JsonFields {
    final JsonObject object;
    final String location;
    final String path;

    JsonFields(JsonObject object, String location, String path) {
        this.object = object;
        this.location = location;
        this.path = path;
    }

    static JsonFields root(byte[] json, String location) throws DistributedCheckpointException {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(json))
                            .toString();
            return new JsonFields(StrictJson.parseObject(text), location, "");
        } catch (CharacterCodingException e) {
            throw malformed(location, "is not valid UTF-8", e);
        } catch (StrictJson.Violation e) {
            throw malformed(location, e.getKey() + " " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw malformed(location, "is " + JsonErrors.describe(e), e);
        }
    }

    private static DistributedCheckpointException malformed(
            String location, String detail, Throwable cause) {
        return new DistributedCheckpointException(
                Kind.MALFORMED_METADATA, location, null, -1, null, detail, cause);
    }

    JsonFields at(String childPath, JsonElement element) throws DistributedCheckpointException {
        if (element == null || !element.isJsonObject()) {
            throw new DistributedCheckpointException(
                    Kind.MALFORMED_METADATA,
                    location,
                    null,
                    -1,
                    null,
                    childPath + " is not an object");
        }
        return new JsonFields(element.getAsJsonObject(), location, childPath);
    }

    DistributedCheckpointException error(String field, String detail) {
        return new DistributedCheckpointException(
                Kind.MALFORMED_METADATA, location, null, -1, null, field + " " + detail);
    }

    private String name(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonElement get(String key) throws DistributedCheckpointException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            throw error(name(key), "is missing");
        }
        return value;
    }

    int header() throws DistributedCheckpointException {
        if (!DistributedMetadata.FORMAT_NAME.equals(string("format"))) {
            throw error("format", "is not " + DistributedMetadata.FORMAT_NAME);
        }
        long version = longIn("format_version", 1, Integer.MAX_VALUE);
        if (version > DistributedMetadata.FORMAT_VERSION) {
            throw new DistributedCheckpointException(
                    Kind.UNSUPPORTED_VERSION,
                    location,
                    null,
                    -1,
                    null,
                    "unknown version "
                            + version
                            + ", this reader supports at most version "
                            + DistributedMetadata.FORMAT_VERSION);
        }
        return intIn("world_size", 1, 1 << 20);
    }

    String string(String key) throws DistributedCheckpointException {
        JsonElement value = get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw error(name(key), "is not a string");
        }
        return value.getAsString();
    }

    long longIn(String key, long min, long max) throws DistributedCheckpointException {
        return check(key, get(key), min, max);
    }

    private long check(String key, JsonElement value, long min, long max)
            throws DistributedCheckpointException {
        long number;
        try {
            JsonPrimitive primitive = value.getAsJsonPrimitive();
            if (!primitive.isNumber()) {
                throw new NumberFormatException();
            }
            number = new BigDecimal(primitive.getAsString()).longValueExact();
        } catch (RuntimeException e) {
            throw error(name(key), "is not an integer: " + value);
        }
        if (number < min || number > max) {
            throw error(name(key), "is " + number + ", outside [" + min + ", " + max + "]");
        }
        return number;
    }

    int intIn(String key, int min, int max) throws DistributedCheckpointException {
        return (int) longIn(key, min, max);
    }

    JsonArray array(String key) throws DistributedCheckpointException {
        JsonElement value = get(key);
        if (!value.isJsonArray()) {
            throw error(name(key), "is not an array");
        }
        return value.getAsJsonArray();
    }

    JsonObject object(String key) throws DistributedCheckpointException {
        JsonElement value = get(key);
        if (!value.isJsonObject()) {
            throw error(name(key), "is not an object");
        }
        return value.getAsJsonObject();
    }

    long[] longs(String key) throws DistributedCheckpointException {
        JsonArray array = array(key);
        if (array.size() > 64) {
            throw error(name(key), "has " + array.size() + " dimensions, more than 64");
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = check(key + "[" + i + "]", array.get(i), 0, Long.MAX_VALUE);
        }
        return values;
    }

    TensorDType dtype() throws DistributedCheckpointException {
        String name = string("dtype");
        Optional<TensorDType> dtype = TensorDType.fromSafetensorsName(name);
        if (dtype.isEmpty()) {
            throw error(name("dtype"), "is an unknown dtype: " + name);
        }
        return dtype.get();
    }

    RankFile file(int worldSize) throws DistributedCheckpointException {
        int rank = intIn("rank", 0, worldSize - 1);
        String key = string("key");
        if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw error(name("key"), "is not a plain relative key: " + key);
        }
        return new RankFile(rank, key, longIn("size", 8, Long.MAX_VALUE), crc("crc32c"));
    }

    private int crc(String key) throws DistributedCheckpointException {
        String hex = string(key);
        if (!hex.matches("[0-9a-f]{8}")) {
            throw error(name(key), "is not 8 lowercase hex digits: " + hex);
        }
        return Integer.parseUnsignedInt(hex, 16);
    }

    Chunk chunk(String tensor, TensorDType dtype, long[] shape, List<RankFile> files)
            throws DistributedCheckpointException {
        int rank = intIn("rank", 0, Integer.MAX_VALUE);
        RankFile file =
                files.stream()
                        .filter(f -> f.rank() == rank)
                        .findFirst()
                        .orElseThrow(() -> error(name("rank"), rank + " has no file"));
        long[] offsets = longs("offsets");
        long[] sizes = longs("sizes");
        Slice slice;
        try {
            slice = Slice.of(offsets, sizes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw error(path, "has an invalid slice: " + e.getMessage());
        }
        long byteOffset = longIn("byte_offset", 8, file.size());
        long byteLength = longIn("byte_length", 0, file.size() - byteOffset);
        int blockBytes = intIn("block_bytes", ChunkBlocks.MIN_BLOCK_BYTES, Integer.MAX_VALUE);
        String list = string("block_crc32c");
        long blocks = Chunk.blockCount(byteLength, blockBytes);
        if (list.length() != Math.max(0, blocks * 9 - 1)) {
            throw error(name("block_crc32c"), "does not hold " + blocks + " checksums");
        }
        int[] crcs = new int[(int) blocks];
        for (int i = 0; i < crcs.length; i++) {
            int value = 0;
            for (int at = i * 9; at < i * 9 + 8; at++) {
                char c = list.charAt(at);
                int digit =
                        c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (digit < 0) {
                    throw error(name("block_crc32c"), "is not a list of 8-digit hex checksums");
                }
                value = value << 4 | digit;
            }
            if (i + 1 < crcs.length && list.charAt(i * 9 + 8) != ',') {
                throw error(name("block_crc32c"), "is not a list of 8-digit hex checksums");
            }
            crcs[i] = value;
        }
        return new Chunk(
                tensor,
                dtype,
                shape,
                slice,
                rank,
                file.key(),
                string("file_tensor"),
                byteOffset,
                byteLength,
                blockBytes,
                crcs);
    }
}
