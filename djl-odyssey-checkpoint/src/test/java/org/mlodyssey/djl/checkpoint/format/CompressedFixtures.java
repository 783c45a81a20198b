/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds compressed (version 2) files byte by byte, independently of the writer. */
final class CompressedFixtures {

    private CompressedFixtures() {}

    /** One zstd frame of level 3, declaring its content size or not. */
    static byte[] frame(byte[] data, boolean contentSize) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(3).setContentSize(contentSize);
            return ctx.compress(data);
        }
    }

    /** One item of {@code odyssey.compression}. */
    static String item(
            String codec, String filter, String dtype, String dims, int chunk, long... sizes) {
        return codec
                + ":"
                + filter
                + ":"
                + dtype
                + ":"
                + dims
                + ":"
                + chunk
                + ":"
                + Arrays.stream(sizes).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    /**
     * Writes a version 2 file whose stored tensors are given as (name, dtype, dims, bytes), with
     * the compression items and the checksums of the uncompressed tensors.
     */
    static Path v2(
            Path dir,
            String fileName,
            List<Object[]> stored,
            List<String> items,
            List<byte[]> uncompressed,
            Map<String, String> overrides)
            throws IOException {
        List<Fixtures.Entry> entries = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        StringBuilder tensors = new StringBuilder();
        for (Object[] tensor : stored) {
            byte[] bytes = (byte[]) tensor[3];
            long begin = data.size();
            data.write(bytes);
            long[] shape = (long[]) tensor[2];
            entries.add(
                    new Fixtures.Entry(
                            (String) tensor[0], (String) tensor[1], shape, begin, data.size()));
            tensors.append(",\"")
                    .append(tensor[0])
                    .append("\":{\"dtype\":\"")
                    .append(tensor[1])
                    .append("\",\"shape\":")
                    .append(Arrays.toString(shape).replace(" ", ""))
                    .append(",\"data_offsets\":[")
                    .append(begin)
                    .append(',')
                    .append(data.size())
                    .append("]}");
        }
        Map<String, String> md = new LinkedHashMap<>();
        md.put("odyssey.format", "djl-odyssey");
        md.put("odyssey.format_version", "2");
        md.put(
                "odyssey.tensor_crc32c",
                uncompressed.stream().map(Fixtures::crcHex).collect(Collectors.joining(",")));
        md.put("odyssey.compression", String.join(";", items));
        md.putAll(overrides);
        md.values().removeIf(v -> v == null);
        md.put("odyssey.header_crc32c", Fixtures.headerCrc(entries, md));
        String metadata =
                md.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                        .collect(Collectors.joining(","));
        String header = "{\"__metadata__\":{" + metadata + "}" + tensors + "}";
        return Fixtures.write(dir, fileName, Fixtures.file(header, data.toByteArray()));
    }
}
