/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.format.FuzzFiles;

/**
 * Fuzzes the parsers of a training checkpoint's JSON files, read from disk as {@link
 * TrainingCheckpoint} reads them. The first byte picks the file: {@code M} the manifest (whose
 * self-checksum is recomputed when the input holds the field, so that the fuzzer gets past it), any
 * other the trainer state. The only failure allowed is an {@link
 * InvalidTrainingCheckpointException}.
 */
class TrainingJsonFuzzTest {

    private static final Path DIR = FuzzFiles.scratch("training-json");
    private static final Pattern SELF_CHECKSUM =
            Pattern.compile("\"manifestCrc32c\": \"([0-9a-f]{8})\"");

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        Files.createDirectories(DIR);
        byte[] content = Arrays.copyOfRange(bytes, 1, bytes.length);
        try {
            if (bytes[0] == 'M') {
                Files.write(DIR.resolve(TrainingCheckpointManifest.FILE_NAME), seal(content));
                TrainingCheckpointManifest manifest = TrainingCheckpoint.readManifest(DIR);
                TrainingCheckpointManifest.parse(DIR, manifest.toJson());
            } else {
                Files.write(DIR.resolve(TrainingStateJson.FILE_NAME), content);
                TrainingCheckpoint.readTrainerState(DIR);
            }
        } catch (InvalidTrainingCheckpointException expected) {
            // a typed error: what a malformed file must give
        }
    }

    /** Puts the right self-checksum into a manifest text that has the field, as a writer would. */
    private static byte[] seal(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        Matcher m = SELF_CHECKSUM.matcher(text);
        int start = -1;
        while (m.find()) {
            start = m.start(1);
        }
        if (start < 0) {
            return content;
        }
        byte[] placeholder = content.clone();
        Arrays.fill(placeholder, start, start + 8, (byte) '0');
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(placeholder);
        byte[] hex = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, placeholder, start, 8);
        return placeholder;
    }
}
