/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/** Encodes and strictly parses the global metadata and the rank manifests (one JSON schema). */
final class MetadataJson {

    private MetadataJson() {}

    static byte[] encode(DistributedMetadata metadata) {
        return write(
                w -> {
                    header(w, metadata.saveId(), metadata.worldSize());
                    w.name("files").beginArray();
                    for (RankFile file : metadata.files()) {
                        file(w, file);
                    }
                    w.endArray();
                    w.name("tensors").beginObject();
                    for (TensorLayout tensor : metadata.tensors().values()) {
                        w.name(tensor.name()).beginObject();
                        w.name("dtype").value(tensor.dtype().safetensorsName());
                        longs(w.name("shape"), tensor.shape());
                        w.name("chunks").beginArray();
                        for (Chunk chunk : tensor.chunks()) {
                            w.beginObject();
                            chunkFields(w, chunk);
                            w.endObject();
                        }
                        w.endArray().endObject();
                    }
                    w.endObject();
                });
    }

    static byte[] encode(RankManifest manifest) {
        return write(
                w -> {
                    header(w, manifest.saveId(), manifest.worldSize());
                    w.name("rank").value(manifest.rank());
                    w.name("file");
                    file(w, manifest.file());
                    w.name("chunks").beginArray();
                    for (Chunk chunk : manifest.chunks()) {
                        w.beginObject();
                        w.name("tensor").value(chunk.tensor());
                        w.name("dtype").value(chunk.dtype().safetensorsName());
                        longs(w.name("shape"), chunk.globalShape());
                        chunkFields(w, chunk);
                        w.endObject();
                    }
                    w.endArray();
                });
    }

    /** Writes one JSON object with a body. */
    private interface Body {
        void write(JsonWriter w) throws IOException;
    }

    private static byte[] write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = new JsonWriter(out)) {
            w.setIndent(" ");
            w.beginObject();
            body.write(w);
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void header(JsonWriter w, String saveId, int worldSize) throws IOException {
        w.name("format").value(DistributedMetadata.FORMAT_NAME);
        w.name("format_version").value(DistributedMetadata.FORMAT_VERSION);
        w.name("save_id").value(saveId);
        w.name("world_size").value(worldSize);
    }

    private static void file(JsonWriter w, RankFile file) throws IOException {
        w.beginObject();
        w.name("rank").value(file.rank());
        w.name("key").value(file.key());
        w.name("size").value(file.size());
        w.name("crc32c").value(FormatKeys.hex(file.crc32c()));
        w.endObject();
    }

    private static void chunkFields(JsonWriter w, Chunk chunk) throws IOException {
        w.name("rank").value(chunk.rank());
        w.name("file_tensor").value(chunk.fileTensor());
        longs(w.name("offsets"), chunk.slice().offsets());
        longs(w.name("sizes"), chunk.slice().sizes());
        w.name("byte_offset").value(chunk.byteOffset());
        w.name("byte_length").value(chunk.byteLength());
        w.name("block_bytes").value(chunk.blockBytes());
        StringBuilder crcs = new StringBuilder();
        for (int crc : chunk.blockCrc32c()) {
            if (crcs.length() > 0) {
                crcs.append(',');
            }
            crcs.append(FormatKeys.hex(crc));
        }
        w.name("block_crc32c").value(crcs.toString());
    }

    private static void longs(JsonWriter w, long[] values) throws IOException {
        w.beginArray();
        for (long value : values) {
            w.value(value);
        }
        w.endArray();
    }

    static DistributedMetadata parseMetadata(byte[] json, String location)
            throws DistributedCheckpointException {
        JsonFields root = JsonFields.root(json, location);
        int worldSize = root.header();
        String saveId = root.string("save_id");
        List<RankFile> files = new ArrayList<>();
        JsonArray fileArray = root.array("files");
        for (int i = 0; i < fileArray.size(); i++) {
            RankFile file = root.at("files[" + i + "]", fileArray.get(i)).file(worldSize);
            if (file.rank() != i) {
                throw root.error("files[" + i + "].rank", "is " + file.rank() + ", expected " + i);
            }
            files.add(file);
        }
        if (files.size() != worldSize) {
            throw root.error("files", files.size() + " files for " + worldSize + " ranks");
        }
        List<Chunk> chunks = new ArrayList<>();
        for (Map.Entry<String, JsonElement> tensor : root.object("tensors").entrySet()) {
            JsonFields t = root.at("tensors." + tensor.getKey(), tensor.getValue());
            TensorDType dtype = t.dtype();
            long[] shape = t.longs("shape");
            JsonArray array = t.array("chunks");
            if (array.isEmpty()) {
                throw t.error("chunks", "is empty");
            }
            for (int i = 0; i < array.size(); i++) {
                chunks.add(
                        t.at(t.path + ".chunks[" + i + "]", array.get(i))
                                .chunk(tensor.getKey(), dtype, shape, files));
            }
        }
        SortedMap<String, TensorLayout> tensors = CoverageValidator.validate(location, chunks);
        return new DistributedMetadata(saveId, worldSize, files, tensors);
    }

    static RankManifest parseRankManifest(byte[] json, String location)
            throws DistributedCheckpointException {
        JsonFields root = JsonFields.root(json, location);
        int worldSize = root.header();
        String saveId = root.string("save_id");
        int rank = root.intIn("rank", 0, worldSize - 1);
        RankFile file = root.at("file", root.object("file")).file(worldSize);
        if (file.rank() != rank) {
            throw root.error("file.rank", "is " + file.rank() + ", the manifest's rank " + rank);
        }
        List<Chunk> chunks = new ArrayList<>();
        JsonArray array = root.array("chunks");
        for (int i = 0; i < array.size(); i++) {
            JsonFields c = root.at("chunks[" + i + "]", array.get(i));
            chunks.add(c.chunk(c.string("tensor"), c.dtype(), c.longs("shape"), List.of(file)));
        }
        return new RankManifest(saveId, rank, worldSize, file, chunks);
    }
}
