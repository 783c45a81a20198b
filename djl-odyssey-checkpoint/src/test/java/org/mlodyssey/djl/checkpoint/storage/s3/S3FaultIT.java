/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.storage.s3.FaultInjectingProxy.Fault;

/**
 * Faults between the SDK client and a real S3Proxy, injected by a proxy on 127.0.0.1: transient
 * ones are retried to success, permanent ones fail the write and leave neither an object nor a
 * multipart upload behind.
 */
// The attempt timeout leaves room for a loaded machine: a stalled request is held until the client
// gives up, so the timeout only sets how long the stall test waits.
class S3FaultIT extends S3ProxyTestBase {

    private S3CheckpointStore store;

    @BeforeEach
    void openStore() {
        store =
                S3CheckpointStore.open(
                        "s3://" + bucket + "/run",
                        LoopbackS3Server.options(proxy.endpoint())
                                .optPartSize(PART)
                                .optParallelism(2)
                                .optMaxAttempts(3)
                                .optAttemptTimeout(Duration.ofSeconds(8))
                                .build());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void write(String key, byte[] bytes) throws IOException {
        store.write(key, channel -> channel.write(ByteBuffer.wrap(bytes)));
    }

    private byte[] read(String key) throws IOException {
        return readAll(store, key);
    }

    /** Injects a fault, writes and reads back: the fault was met and the bytes are intact. */
    private void assertRecovers(int size, Predicate<String> requests, Fault fault, int times)
            throws IOException {
        byte[] bytes = random(size, size);
        proxy.inject(requests, fault, times);
        write("k", bytes);
        assertEquals(times, proxy.faultsInjected());
        assertArrayEquals(bytes, read("k"));
    }

    private static boolean isPut(String line) {
        return line.startsWith("PUT ");
    }

    private static boolean isPartTwo(String line) {
        return line.startsWith("PUT ") && line.contains("partNumber=2&");
    }

    private static boolean isGet(String line) {
        return line.startsWith("GET ") && !line.contains("?");
    }

    @Test
    void serviceUnavailableIsRetriedToSuccess() throws IOException {
        assertRecovers(1000, S3FaultIT::isPut, Fault.SERVICE_UNAVAILABLE, 2);
    }

    @Test
    void anInternalErrorOnAPartIsRetriedToSuccess() throws IOException {
        assertRecovers(2 * PART + 5, S3FaultIT::isPartTwo, Fault.INTERNAL_ERROR, 1);
    }

    @Test
    void aConnectionDroppedMidUploadIsRetriedToSuccess() throws IOException {
        assertRecovers(2 * PART + 5, S3FaultIT::isPartTwo, Fault.DROP_REQUEST_BODY, 1);
    }

    @Test
    void aBodyDroppedMidDownloadIsResumed() throws IOException {
        byte[] bytes = random(3 * PART, 4);
        write("k", bytes);
        proxy.inject(S3FaultIT::isGet, Fault.DROP_RESPONSE_BODY, 2);
        assertArrayEquals(bytes, read("k"));
        assertEquals(2, proxy.faultsInjected());
    }

    @Test
    void aStalledRequestTimesOutAndIsRetried() throws IOException {
        byte[] bytes = random(1000, 5);
        proxy.inject(S3FaultIT::isPut, Fault.STALL, 1);
        write("k", bytes);
        proxy.inject(S3FaultIT::isGet, Fault.STALL, 1);
        assertArrayEquals(bytes, read("k"));
        assertEquals(2, proxy.faultsInjected());
    }

    @Test
    void anAnswerWithoutLengthThatStallsTimesOutAndIsRetried() throws IOException {
        // the attempt timeout fires while the SDK reads the answer's body, not while it waits
        // for the answer: the SDK throws an UncheckedIOException there, which it does not retry
        // (the single PutObject threw it raw, the part failed the upload)
        assertRecovers(1000, S3FaultIT::isPut, Fault.STALL_ANSWER_WITHOUT_LENGTH, 1);
    }

    @Test
    void aPartWhoseAnswerWithoutLengthStallsTimesOutAndIsRetried() throws IOException {
        assertRecovers(2 * PART + 5, S3FaultIT::isPartTwo, Fault.STALL_ANSWER_WITHOUT_LENGTH, 1);
    }

    @Test
    void aPermanentFailureLeavesNoObjectAndNoUpload() throws IOException {
        proxy.inject(S3FaultIT::isPartTwo, Fault.SERVICE_UNAVAILABLE, 1000);
        IOException thrown =
                assertThrows(IOException.class, () -> write("big", random(3 * PART, 6)));
        assertTrue(thrown.getMessage().contains("big"), thrown.getMessage());
        assertEquals(3, proxy.faultsInjected()); // the attempt budget, then no more
        assertTrue(store.stat("big").isEmpty());
        assertEquals(List.of(), store.listIncompleteUploads(""));

        proxy.inject(S3FaultIT::isPut, Fault.SERVICE_UNAVAILABLE, 1000);
        assertThrows(IOException.class, () -> write("small", random(100, 7)));
        assertTrue(store.stat("small").isEmpty());
    }
}
