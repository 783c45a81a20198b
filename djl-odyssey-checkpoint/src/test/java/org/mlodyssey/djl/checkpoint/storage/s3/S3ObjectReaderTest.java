/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@link S3ObjectReader} on its own, with the S3 client replaced: the read size it prefers, and a
 * split read that fails returns only once none of its ranges can still write into the caller's
 * buffer.
 */
class S3ObjectReaderTest {

    private static final int PART = (int) S3StoreOptions.MIN_PART_SIZE;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static S3Requests requests(S3Client client, long partSize, int parallelism) {
        return new S3Requests(
                client,
                "b",
                LoopbackS3Server.options(URI.create("http://127.0.0.1:9"))
                        .optPartSize(partSize)
                        .optParallelism(parallelism)
                        .build());
    }

    @Test
    void prefersAPartPerRequestAndEnoughPartsPerReadToKeepTheStoreBusy() {
        S3Client client = mock(S3Client.class);
        // the reads of all cores together make the store's parallelism
        assertEquals(
                PART,
                new S3ObjectReader(
                                requests(client, PART, 1), "k", 1, executor, ByteBuffer.allocate(0))
                        .preferredReadSize());
        assertEquals(
                PART,
                new S3ObjectReader(
                                requests(client, PART, CORES),
                                "k",
                                1,
                                executor,
                                ByteBuffer.allocate(0))
                        .preferredReadSize());
        assertEquals(
                8 * PART,
                new S3ObjectReader(
                                requests(client, PART, 8 * CORES),
                                "k",
                                1,
                                executor,
                                ByteBuffer.allocate(0))
                        .preferredReadSize());
        // never more than 1 GiB
        assertEquals(
                1 << 30,
                new S3ObjectReader(
                                requests(client, 600L << 20, 2 * CORES),
                                "k",
                                1,
                                executor,
                                ByteBuffer.allocate(0))
                        .preferredReadSize());
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAnswerForAnotherRangeThanTheHeadIsNotKeptAsTheHead() throws Exception {
        byte[] object = new byte[100_000];
        new java.util.Random(3).nextBytes(object);
        S3Client client = mock(S3Client.class);
        java.util.List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
        when(client.getObject(any(Consumer.class)))
                .thenAnswer(
                        invocation -> {
                            Consumer<GetObjectRequest.Builder> request = invocation.getArgument(0);
                            String range =
                                    GetObjectRequest.builder()
                                            .applyMutation(request)
                                            .build()
                                            .range();
                            ranges.add(range);
                            java.util.regex.Matcher m =
                                    java.util.regex.Pattern.compile("bytes=(\\d+)-(\\d+)")
                                            .matcher(range);
                            assertTrue(m.matches(), range);
                            int first = Integer.parseInt(m.group(1));
                            int last = Integer.parseInt(m.group(2));
                            // the first answer is for bytes 1000 on: a cache that got it wrong
                            int from = ranges.size() == 1 ? first + 1000 : first;
                            int to = ranges.size() == 1 ? last + 1000 : last;
                            return new ResponseInputStream<>(
                                    GetObjectResponse.builder()
                                            .contentRange(
                                                    "bytes "
                                                            + from
                                                            + "-"
                                                            + to
                                                            + "/"
                                                            + object.length)
                                            .contentLength((long) (to - from + 1))
                                            .build(),
                                    AbortableInputStream.create(
                                            new java.io.ByteArrayInputStream(
                                                    object, from, to - from + 1)));
                        });
        when(client.headObject(any(Consumer.class)))
                .thenReturn(
                        software.amazon.awssdk.services.s3.model.HeadObjectResponse.builder()
                                .contentLength((long) object.length)
                                .build());
        S3ObjectReader reader = S3ObjectReader.open(requests(client, PART, 2), "k", executor);
        assertEquals(object.length, reader.size());
        ByteBuffer start = ByteBuffer.allocate(100);
        reader.readFully(start, 0);
        assertEquals(
                ByteBuffer.wrap(object, 0, 100), start.flip(), "the object's first bytes, fetched");
        assertEquals(2, ranges.size(), "the wrong head was not kept: " + ranges);
    }

    /** A body that blocks, deaf to interrupts as a socket read may be, until released. */
    private static final class HeldBody extends InputStream {
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean returned = new AtomicBoolean();

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            started.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            returned.set(true);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return len;
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedSplitReadReturnsOnlyAfterItsOtherRangesStopped() throws Exception {
        S3Client client = mock(S3Client.class);
        HeldBody held = new HeldBody();
        when(client.getObject(any(Consumer.class)))
                .thenAnswer(
                        invocation -> {
                            Consumer<GetObjectRequest.Builder> request = invocation.getArgument(0);
                            GetObjectRequest get =
                                    GetObjectRequest.builder().applyMutation(request).build();
                            if (get.range().startsWith("bytes=0-")) {
                                held.started.await(); // fail while the other range is reading
                                throw SdkClientException.create("connection refused");
                            }
                            return new ResponseInputStream<>(
                                    GetObjectResponse.builder().build(),
                                    AbortableInputStream.create(held));
                        });
        S3ObjectReader reader =
                new S3ObjectReader(
                        requests(client, PART, 2),
                        "k",
                        2L * PART,
                        executor,
                        ByteBuffer.allocate(0));
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<?> read =
                    caller.submit(
                            () -> {
                                reader.readFully(ByteBuffer.allocate(2 * PART), 0);
                                return null;
                            });
            held.started.await();
            // the first range failed, the second still holds the caller's buffer: no return yet
            assertThrows(TimeoutException.class, () -> read.get(300, TimeUnit.MILLISECONDS));
            held.release.countDown();
            ExecutionException thrown = assertThrows(ExecutionException.class, read::get);
            IOException failure = assertInstanceOf(IOException.class, thrown.getCause());
            assertTrue(failure.getMessage().contains("s3://b/k"), failure.getMessage());
            assertTrue(held.returned.get());
        } finally {
            held.release.countDown();
            caller.shutdownNow();
        }
    }
}
