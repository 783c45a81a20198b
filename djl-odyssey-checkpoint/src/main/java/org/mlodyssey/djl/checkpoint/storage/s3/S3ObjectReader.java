/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Positional reads of one object by ranged GETs. A large {@link #readFully} is split into ranges of
 * one part each, fetched by the store's threads straight into the caller's buffer, so the memory
 * used is the buffer itself. A body that breaks off mid-way is asked for again from where it
 * stopped, within the options' attempt budget.
 */
final class S3ObjectReader implements ObjectReader {

    private static final int COPY_CHUNK = 64 << 10;

    /** The largest preferred read size answered, whatever the part size and parallelism. */
    private static final long MAX_PREFERRED_READ = 1L << 30;

    private final S3Requests requests;
    private final String key;
    private final long size;
    private final ExecutorService executor;

    S3ObjectReader(S3Requests requests, String key, long size, ExecutorService executor) {
        this.requests = requests;
        this.key = key;
        this.size = size;
        this.executor = executor;
    }

    @Override
    public long size() {
        return size;
    }

    /**
     * Returns what one {@link #readFully} fetches at once: a part per thread of the store, each a
     * ranged GET; a smaller read would leave threads idle and pay a request per few bytes.
     */
    @Override
    public int preferredReadSize() {
        long parallel = requests.options().partSize() * requests.options().parallelism();
        return (int) Math.min(parallel, MAX_PREFERRED_READ);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        ByteBuffer range = dst.slice();
        range.limit(n);
        fetch(range, position);
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public void readFully(ByteBuffer dst, long position) throws IOException {
        int n = dst.remaining();
        if (position < 0 || position + n > size) {
            throw new EOFException(
                    requests.locationOf(key)
                            + " has "
                            + size
                            + " bytes, cannot read "
                            + n
                            + " at "
                            + position);
        }
        long part = requests.options().partSize();
        if (n <= part || requests.options().parallelism() == 1) {
            fetch(dst.slice(), position);
            dst.position(dst.limit());
            return;
        }
        List<Future<?>> ranges = new ArrayList<>();
        try {
            for (long offset = 0; offset < n; offset += part) {
                ByteBuffer range = dst.slice();
                range.position((int) offset);
                range.limit((int) Math.min(n, offset + part));
                ByteBuffer target = range.slice();
                long at = position + offset;
                ranges.add(
                        executor.submit(
                                () -> {
                                    fetch(target, at);
                                    return null;
                                }));
            }
            for (Future<?> range : ranges) {
                range.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted reading " + requests.locationOf(key));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("Reading " + requests.locationOf(key) + " failed", e.getCause());
        } finally {
            for (Future<?> range : ranges) {
                range.cancel(true);
            }
        }
        dst.position(dst.limit());
    }

    @Override
    public void close() {}

    /** Fills {@code dst} with the bytes at {@code position}, resuming a broken body. */
    private void fetch(ByteBuffer dst, long position) throws IOException {
        int attempts = 0;
        long delay = S3Clients.BASE_BACKOFF.toMillis();
        while (dst.hasRemaining()) {
            long first = position + dst.position();
            ResponseInputStream<GetObjectResponse> body;
            try {
                body = requests.getRange(key, first, first + dst.remaining() - 1);
            } catch (SdkException e) {
                throw S3Requests.failure("read", requests.locationOf(key), e);
            }
            try (InputStream in = body) {
                copy(in, dst);
                if (dst.hasRemaining()) {
                    throw new EOFException(
                            requests.locationOf(key) + " ended at " + (position + dst.position()));
                }
            } catch (EOFException e) {
                throw e;
            } catch (IOException | SdkException e) {
                if (++attempts >= requests.options().maxAttempts()) {
                    throw new IOException(
                            "S3 read of "
                                    + requests.locationOf(key)
                                    + " broke off "
                                    + attempts
                                    + " times: "
                                    + e,
                            e);
                }
                sleep(delay);
                delay = Math.min(delay * 2, S3Clients.MAX_BACKOFF.toMillis());
            }
        }
    }

    private static void copy(InputStream in, ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            while (dst.hasRemaining()) {
                int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n < 0) {
                    return;
                }
                dst.position(dst.position() + n);
            }
            return;
        }
        byte[] chunk = new byte[COPY_CHUNK];
        while (dst.hasRemaining()) {
            int n = in.read(chunk, 0, Math.min(chunk.length, dst.remaining()));
            if (n < 0) {
                return;
            }
            dst.put(chunk, 0, n);
        }
    }

    private void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted reading " + requests.locationOf(key));
        }
    }
}
