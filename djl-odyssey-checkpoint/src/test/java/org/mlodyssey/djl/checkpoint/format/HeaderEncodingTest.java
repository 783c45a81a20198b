/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.utf8;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The two byte forms {@link HeaderEncoding} gives a header, against the spec's examples. */
class HeaderEncodingTest {

    private static final List<TensorEntry> ENTRIES =
            List.of(new TensorEntry("w", TensorDType.F32, new long[] {2}, 0, 8));

    @Test
    void canonicalFormIsTheSpecExample() {
        Map<String, String> metadata = new TreeMap<>(Map.of("a", "b", "x", "leave out"));
        assertEquals(
                Fixtures.crcHex(utf8("t1:w3:F321:23:0,8m1:a1:b")),
                String.format(
                        "%08x", HeaderEncoding.canonicalCrc32c(ENTRIES, metadata, Set.of("x"))));
    }

    @Test
    void jsonIsCompactMetadataFirstAndPaddedTo8() {
        byte[] json = HeaderEncoding.json(ENTRIES, new TreeMap<>(Map.of("a", "b")));
        String expected =
                "{\"__metadata__\":{\"a\":\"b\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}";
        assertEquals(0, (8 + json.length) % 8);
        assertEquals(expected, new String(json, StandardCharsets.UTF_8).stripTrailing());
    }
}
