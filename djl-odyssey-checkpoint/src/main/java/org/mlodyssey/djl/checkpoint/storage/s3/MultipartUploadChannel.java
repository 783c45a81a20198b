/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

/**
 * Streams one object into a bucket with bounded memory. Bytes collect in a buffer of at most one
 * part; an object that fits in it goes up in one {@code PutObject} at {@link #commit()}; a larger
 * one becomes a multipart upload whose parts are sent by the store's threads, at most {@code
 * parallelism} at once, while the writer fills the next buffer. Closing without a commit, or any
 * failure, aborts the multipart upload: no parts are left behind.
 */
final class MultipartUploadChannel implements WritableByteChannel {

    private static final Logger logger = LoggerFactory.getLogger(MultipartUploadChannel.class);
    private static final int FIRST_BUFFER = 64 << 10;

    private final S3Requests requests;
    private final String key;
    private final ExecutorService executor;
    private final int partSize;
    private final BlockingQueue<ByteBuffer> free;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private ByteBuffer current;
    private String uploadId;
    private boolean open = true;
    private boolean committed;
    private volatile boolean aborting;

    MultipartUploadChannel(S3Requests requests, String key, ExecutorService executor) {
        this.requests = requests;
        this.key = key;
        this.executor = executor;
        this.partSize = (int) requests.options().partSize();
        this.free = new ArrayBlockingQueue<>(requests.options().parallelism() + 1);
        this.current = ByteBuffer.allocate(FIRST_BUFFER);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        int written = 0;
        while (src.hasRemaining()) {
            if (!current.hasRemaining()) {
                if (current.capacity() < partSize) {
                    grow();
                } else {
                    sendPart();
                }
            }
            int n = Math.min(src.remaining(), current.remaining());
            ByteBuffer slice = src.slice();
            slice.limit(n);
            current.put(slice);
            src.position(src.position() + n);
            written += n;
        }
        return written;
    }

    /**
     * Uploads what is left and makes the object visible under its key.
     *
     * @throws IOException if an upload fails; the multipart upload is then aborted by {@link
     *     #close()}
     */
    void commit() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        try {
            if (uploadId == null) {
                current.flip();
                requests.putObject(key, current);
            } else {
                if (current.position() > 0) {
                    sendPart();
                }
                List<CompletedPart> completed = new ArrayList<>(parts.size());
                for (Future<CompletedPart> part : parts) {
                    completed.add(await(part));
                }
                requests.completeMultipartUpload(key, uploadId, completed);
            }
            committed = true;
        } catch (SdkException e) {
            throw S3Requests.failure("upload", requests.locationOf(key), e);
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the channel; a multipart upload not committed is aborted, after its parts end. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        if (uploadId == null || committed) {
            return;
        }
        aborting = true;
        for (Future<CompletedPart> part : parts) {
            try {
                part.get(); // parts not yet started skip their upload
            } catch (ExecutionException e) {
                // the failure that got us here, or a part failing along with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            requests.abortMultipartUpload(key, uploadId);
        } catch (SdkException e) {
            logger.warn(
                    "Could not abort the multipart upload {} of {}; a bucket lifecycle rule"
                            + " (AbortIncompleteMultipartUpload) removes its parts",
                    uploadId,
                    requests.locationOf(key),
                    e);
        }
    }

    private void grow() {
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(partSize, current.capacity() * 2));
        current.flip();
        bigger.put(current);
        current = bigger;
    }

    private void sendPart() throws IOException {
        try {
            if (uploadId == null) {
                CreateMultipartUploadRequest.Builder create =
                        CreateMultipartUploadRequest.builder().bucket(requests.bucket()).key(key);
                if (requests.options().uploadChecksum() == UploadChecksum.CRC32C) {
                    create.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
                }
                uploadId = requests.createMultipartUpload(create.build());
            }
        } catch (SdkException e) {
            throw S3Requests.failure("upload", requests.locationOf(key), e);
        }
        for (Future<CompletedPart> part : parts) {
            if (part.isDone()) {
                await(part); // fail fast on a part that failed
            }
        }
        ByteBuffer body = current;
        body.flip();
        int number = parts.size() + 1;
        String id = uploadId;
        parts.add(
                executor.submit(
                        () -> {
                            try {
                                if (aborting) {
                                    return null;
                                }
                                return requests.uploadPart(key, id, number, body);
                            } finally {
                                body.clear();
                                free.offer(body);
                            }
                        }));
        current = nextBuffer();
    }

    private ByteBuffer nextBuffer() throws IOException {
        ByteBuffer next = free.poll();
        if (next != null) {
            return next;
        }
        long inFlight = parts.stream().filter(p -> !p.isDone()).count();
        if (inFlight < requests.options().parallelism()) {
            return ByteBuffer.allocate(partSize);
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted uploading " + requests.locationOf(key));
        }
    }

    private CompletedPart await(Future<CompletedPart> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted uploading " + requests.locationOf(key));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkException sdk) {
                throw S3Requests.failure("upload", requests.locationOf(key), sdk);
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("Uploading " + requests.locationOf(key) + " failed", cause);
        }
    }
}
