/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.format.ParallelTensorReads;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.WriteOptions;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.StoredTensorFiles;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;

/** {@link S3CheckpointStore} against a real S3Proxy on 127.0.0.1, through the real SDK client. */
class S3CheckpointStoreTest extends S3ProxyTestBase {

    private S3CheckpointStore store(UploadChecksum checksum) {
        return S3CheckpointStore.open(
                "s3://" + bucket + "/runs/a",
                LoopbackS3Server.options(proxy.endpoint())
                        .optPartSize(PART)
                        .optParallelism(3)
                        .optUploadChecksum(checksum)
                        .build());
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** Writes in uneven chunks, as a format writer does. */
    private static WrittenObject write(S3CheckpointStore store, String key, byte[] bytes)
            throws IOException {
        return store.write(
                key,
                channel -> {
                    int at = 0;
                    int chunk = 1;
                    while (at < bytes.length) {
                        int n = Math.min(chunk, bytes.length - at);
                        channel.write(ByteBuffer.wrap(bytes, at, n));
                        at += n;
                        chunk = chunk * 3 + 7;
                    }
                });
    }

    private long count(String method, String contains) {
        return proxy.requests().stream()
                .filter(l -> l.startsWith(method + " ") && l.contains(contains))
                .count();
    }

    @Test
    void smallObjectGoesUpInOnePutAndReadsBack() throws IOException {
        byte[] bytes = random(1000, 1);
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            WrittenObject written = write(store, "step-1/model.odc", bytes);
            assertEquals(new WrittenObject("step-1/model.odc", 1000, crc32c(bytes)), written);
            assertArrayEquals(bytes, readAll(store, "step-1/model.odc"));
            assertEquals(
                    List.of(new StoredObject("step-1/model.odc", 1000)), store.list("step-1/"));
            assertEquals(0, count("POST", "uploads"));
            assertEquals(1, count("PUT", "/" + bucket + "/runs/a/step-1/model.odc"));
        }
    }

    @Test
    void largeObjectGoesUpInPartsAndComesDownInRanges() throws IOException {
        byte[] bytes = random(4 * PART + 12345, 2);
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            WrittenObject written = write(store, "big.odc", bytes);
            assertEquals(crc32c(bytes), written.crc32c());
            assertEquals(5, count("PUT", "partNumber="));
            assertArrayEquals(bytes, readAll(store, "big.odc"));
            // the open's GET of the head (it gives the size: no HEAD), then a range per part
            assertEquals(0, count("HEAD", "/runs/a/big.odc"));
            assertEquals(1 + 5, count("GET", "/runs/a/big.odc"));
        }
    }

    @Test
    void aReadOfLessThanAPartIsSplitSoThatEachThreadFetchesARange() throws IOException {
        byte[] bytes = random(32 << 20, 4);
        try (S3CheckpointStore store =
                S3CheckpointStore.open(
                        "s3://" + bucket + "/runs/a",
                        LoopbackS3Server.options(proxy.endpoint())
                                .optPartSize(40 << 20)
                                .optParallelism(4)
                                .build())) {
            write(store, "one-part.odc", bytes);
            assertEquals(1, count("PUT", "/runs/a/one-part.odc"));
            assertArrayEquals(bytes, readAll(store, "one-part.odc"));
            // 32 MiB in one part of 40: 4 ranges of 8 MiB, one per thread, not one GET (after
            // the open's GET of the head)
            assertEquals(1 + 4, count("GET", "/runs/a/one-part.odc"));
        }
    }

    @Test
    void aTensorFileInTheBucketIsReadInRequestsOfAPartOrMore() throws IOException {
        int count = 4 * PART / 4;
        ByteBuffer data = ByteBuffer.allocate(4 * PART).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            data.putFloat(i * 0.5f);
        }
        Tensor tensor = Tensor.of(TensorDType.F32, new long[] {count}, data.flip());
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            StoredTensorFiles.writeFile(
                    store, "w.safetensors", Map.of("w", tensor), Map.of(), WriteOptions.defaults());
            try (TensorFile loaded =
                    StoredTensorFiles.load(store, "w.safetensors", ReadOptions.defaults())) {
                long header = count("GET", "/runs/a/w.safetensors");
                ByteBuffer target = ByteBuffer.allocateDirect(4 * PART);
                ParallelTensorReads.copy(List.of(loaded.get("w")), List.of(target));
                assertEquals(tensor.data(), target);
                // 20 MiB in ranges of a part (5 MiB) at least: 4 GETs, where 4 MiB pieces took 5
                assertEquals(4, count("GET", "/runs/a/w.safetensors") - header);
            }
        }
    }

    @Test
    void positionalReadsReturnTheBytesAtThePosition() throws IOException {
        byte[] bytes = random(2 * PART + 10, 3);
        try (S3CheckpointStore store = store(UploadChecksum.MD5)) {
            write(store, "x", bytes);
            try (ObjectReader reader = store.open("x")) {
                ByteBuffer some = ByteBuffer.allocate(100);
                assertEquals(100, reader.read(some, PART - 50));
                assertArrayEquals(
                        java.util.Arrays.copyOfRange(bytes, PART - 50, PART + 50), some.array());
                ByteBuffer tail = ByteBuffer.allocate(100);
                assertEquals(10, reader.read(tail, 2L * PART));
                assertEquals(-1, reader.read(tail, bytes.length));
                assertThrows(
                        EOFException.class,
                        () -> reader.readFully(ByteBuffer.allocate(11), 2L * PART));
            }
        }
    }

    @Test
    void aFailingWriterLeavesNoObjectAndNoUpload() throws IOException {
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            IOException thrown =
                    assertThrows(
                            IOException.class,
                            () ->
                                    store.write(
                                            "half.odc",
                                            channel -> {
                                                channel.write(ByteBuffer.wrap(random(3 * PART, 4)));
                                                throw new IOException("tensor gone");
                                            }));
            assertEquals("tensor gone", thrown.getMessage());
            // At least one part went up before the failure (how many more were in flight when
            // the writer failed depends on timing), so the abort had parts to clean up.
            assertTrue(count("PUT", "partNumber=") >= 1, proxy.requests().toString());
            assertTrue(store.stat("half.odc").isEmpty());
            assertEquals(List.of(), store.listIncompleteUploads(""));
        }
    }

    @Test
    void theStoreRejectsABodyCorruptedOnTheWayWithMd5() throws IOException {
        try (S3CheckpointStore store = store(UploadChecksum.MD5)) {
            proxy.inject(
                    l -> l.startsWith("PUT "),
                    FaultInjectingProxy.Fault.CORRUPT_REQUEST_BODY,
                    1000);
            assertThrows(IOException.class, () -> write(store, "small", random(5000, 5)));
            assertThrows(IOException.class, () -> write(store, "large", random(PART + 1, 6)));
            assertTrue(store.stat("small").isEmpty());
            assertTrue(store.stat("large").isEmpty());
            assertEquals(List.of(), store.listIncompleteUploads(""));
        }
    }

    @Test
    void withoutAnUploadChecksumOrASignedPayloadACorruptedBodyIsStored() throws IOException {
        byte[] bytes = random(5000, 5);
        try (S3CheckpointStore store =
                S3CheckpointStore.open(
                        "s3://" + bucket + "/runs/a",
                        LoopbackS3Server.options(proxy.endpoint())
                                .optUploadChecksum(UploadChecksum.NONE)
                                .optUnsignedPayload(true)
                                .build())) {
            proxy.inject(
                    l -> l.startsWith("PUT "), FaultInjectingProxy.Fault.CORRUPT_REQUEST_BODY, 1);
            WrittenObject written = write(store, "small", bytes);
            assertEquals(crc32c(bytes), written.crc32c());
            assertFalse(java.util.Arrays.equals(bytes, readAll(store, "small")));
        }
    }

    @Test
    void aSignedPayloadAloneRejectsACorruptedBody() throws IOException {
        // over http the body's SHA-256 is signed in the request's header, which the server checks
        try (S3CheckpointStore store = store(UploadChecksum.NONE)) {
            proxy.inject(
                    l -> l.startsWith("PUT "),
                    FaultInjectingProxy.Fault.CORRUPT_REQUEST_BODY,
                    1000);
            IOException e =
                    assertThrows(IOException.class, () -> write(store, "small", random(5000, 5)));
            assertTrue(e.getMessage().contains("XAmzContentSHA256Mismatch"), e.getMessage());
            assertTrue(store.stat("small").isEmpty());
        }
    }

    @Test
    void listingIsSortedAndStaysUnderThePrefix() throws IOException {
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C);
                S3CheckpointStore other =
                        S3CheckpointStore.open(
                                "s3://" + bucket + "/runs/ab",
                                LoopbackS3Server.options(proxy.endpoint()).build())) {
            write(other, "step-1/m", random(3, 7));
            for (String key : List.of("step-2/m", "step-10/m", "latest", "step-2/manifest.json")) {
                write(store, key, random(4, 8));
            }
            assertEquals(
                    List.of("latest", "step-10/m", "step-2/m", "step-2/manifest.json"),
                    store.list("").stream().map(StoredObject::key).toList());
            assertEquals(2, store.deleteAll("step-2/"));
            assertEquals(
                    List.of("latest", "step-10/m"),
                    store.list("").stream().map(StoredObject::key).toList());
            store.delete("missing");
            assertEquals(1, other.list("").size());
        }
    }

    @Test
    void aTensorFileIsOpenedWithOneRequestWhenItsHeaderFitsTheHeadOpenFetches() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(PART).order(ByteOrder.LITTLE_ENDIAN);
        Tensor tensor = Tensor.of(TensorDType.F32, new long[] {PART / 4}, data);
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            StoredTensorFiles.writeFile(
                    store, "w.safetensors", Map.of("w", tensor), Map.of(), WriteOptions.defaults());
            int before = proxy.requests().size();
            try (TensorFile loaded =
                    StoredTensorFiles.load(store, "w.safetensors", ReadOptions.defaults())) {
                assertEquals(List.of("w"), List.copyOf(loaded.tensors().keySet()));
                // one GET of the object's head gives its size, header length and header
                List<String> opening = proxy.requests().subList(before, proxy.requests().size());
                assertEquals(1, opening.size(), opening.toString());
                assertTrue(opening.get(0).startsWith("GET "), opening.toString());
            }
        }
    }

    @Test
    void readsWithinTheHeadAreAnsweredFromItAndOthersAreFetched() throws IOException {
        byte[] bytes = random(S3ObjectReader.HEAD_BYTES + 100, 5);
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            write(store, "h", bytes);
            try (ObjectReader reader = store.open("h")) {
                long opened = count("GET", "/runs/a/h");
                assertEquals(1, opened);
                assertEquals(0, count("HEAD", "/runs/a/h"));
                assertEquals(bytes.length, reader.size());
                ByteBuffer inHead = ByteBuffer.allocate(S3ObjectReader.HEAD_BYTES - 10);
                reader.readFully(inHead, 10);
                assertArrayEquals(
                        java.util.Arrays.copyOfRange(bytes, 10, S3ObjectReader.HEAD_BYTES),
                        inHead.array());
                assertEquals(opened, count("GET", "/runs/a/h"), "no request for the head");
                ByteBuffer across = ByteBuffer.allocate(20);
                assertEquals(20, reader.read(across, S3ObjectReader.HEAD_BYTES - 10));
                assertArrayEquals(
                        java.util.Arrays.copyOfRange(
                                bytes,
                                S3ObjectReader.HEAD_BYTES - 10,
                                S3ObjectReader.HEAD_BYTES + 10),
                        across.array());
                assertEquals(opened + 1, count("GET", "/runs/a/h"), "past the head: fetched");
            }
        }
    }

    @Test
    void anEmptyObjectAndOneSmallerThanTheHeadOpenWithTheirSizes() throws IOException {
        byte[] small = random(1000, 6);
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            write(store, "empty", new byte[0]);
            write(store, "small", small);
            try (ObjectReader reader = store.open("empty")) {
                assertEquals(0, reader.size());
                assertEquals(-1, reader.read(ByteBuffer.allocate(1), 0));
            }
            assertArrayEquals(small, readAll(store, "small"));
            assertEquals(1, count("GET", "/runs/a/small"), "the head held all of it");
        }
    }

    @Test
    void aHeadWhoseBodyBreaksOffIsOpenedAgainWithoutIt() throws IOException {
        byte[] bytes = random(3 * S3ObjectReader.HEAD_BYTES, 7);
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            write(store, "broken", bytes);
            proxy.inject(
                    line -> line.startsWith("GET ") && line.contains("/runs/a/broken"),
                    FaultInjectingProxy.Fault.DROP_RESPONSE_BODY,
                    1);
            assertArrayEquals(bytes, readAll(store, "broken"));
            assertEquals(1, proxy.faultsInjected());
            assertEquals(1, count("HEAD", "/runs/a/broken"), "the size, asked for instead");
        }
    }

    @Test
    void aMissingKeyIsNoSuchFile() throws IOException {
        try (S3CheckpointStore store = store(UploadChecksum.CRC32C)) {
            assertThrows(NoSuchFileException.class, () -> store.open("nope"));
            assertFalse(store.stat("nope").isPresent());
            assertEquals("s3://" + bucket + "/runs/a/nope", store.locationOf("nope"));
        }
    }
}
