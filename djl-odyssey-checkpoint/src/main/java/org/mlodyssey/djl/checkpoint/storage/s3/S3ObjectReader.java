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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Positional reads of one object by ranged GETs. {@link #open} learns the object's size from the
 * GET of its first {@value #HEAD_BYTES} bytes, which it keeps: a file's header is then read without
 * another request (one request where a HEAD and two small GETs were). A large {@link #readFully} is
 * split into ranges of at most one part, and of less where that gives each of the store's threads a
 * range (at least 8 MiB), fetched by the store's threads straight into the caller's buffer, so the
 * memory used is the buffer itself. A body that breaks off mid-way is asked for again from where it
 * stopped, within the options' attempt budget.
 */
final class S3ObjectReader implements ObjectReader {

    private static final Logger logger = LoggerFactory.getLogger(S3ObjectReader.class);

    private static final int COPY_CHUNK = 64 << 10;

    /** The bytes at the start of an object that {@link #open} fetches and keeps. */
    static final int HEAD_BYTES = 64 << 10;

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    /** The smallest range a large read is split into, unless a part is smaller. */
    private static final int MIN_RANGE = 8 << 20;

    /** The largest preferred read size answered, whatever the part size and parallelism. */
    private static final long MAX_PREFERRED_READ = 1L << 30;

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** The stop flag of a read that is not split: never set. */
    private static final AtomicBoolean NEVER = new AtomicBoolean();

    private final S3Requests requests;
    private final String key;
    private final long size;
    private final ExecutorService executor;

    /** The object's first bytes, as {@link #open} fetched them; empty where it did not. */
    private final ByteBuffer head;

    S3ObjectReader(
            S3Requests requests, String key, long size, ExecutorService executor, ByteBuffer head) {
        this.requests = requests;
        this.key = key;
        this.size = size;
        this.executor = executor;
        this.head = head.asReadOnlyBuffer();
    }

    /**
     * Opens an object: one ranged GET of its first {@value #HEAD_BYTES} bytes gives its size (from
     * {@code Content-Range}) and the bytes, kept for reads that fall within them. An empty object
     * (to which no range applies) and a body that breaks off are opened with a HEAD instead,
     * keeping nothing.
     *
     * @param requests the bucket's requests
     * @param key the object's full key
     * @param executor the store's threads, for large reads
     * @return the reader
     * @throws java.nio.file.NoSuchFileException if there is no such object
     * @throws IOException if the request fails
     */
    static S3ObjectReader open(S3Requests requests, String key, ExecutorService executor)
            throws IOException {
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = requests.getRange(key, 0, HEAD_BYTES - 1);
        } catch (S3Exception e) {
            if (e.statusCode() != 416) { // 416: no range of an empty object is satisfiable
                throw S3Requests.failure("open", requests.locationOf(key), e);
            }
            return withoutHead(requests, key, executor);
        } catch (SdkException e) {
            throw S3Requests.failure("open", requests.locationOf(key), e);
        }
        try (InputStream in = body) {
            long size = sizeOf(body.response(), requests.locationOf(key));
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, HEAD_BYTES));
            copy(in, head, NEVER);
            if (head.hasRemaining()) {
                throw new EOFException(requests.locationOf(key) + " ended at " + head.position());
            }
            if (size > HEAD_BYTES && body.response().contentRange() == null) {
                body.abort(); // the server ignored the range: the rest of the object is not wanted
            }
            return new S3ObjectReader(requests, key, size, executor, head.flip());
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException | SdkException e) {
            // the body broke off, or an answer this reader does not trust: the reads fetch what
            // they need
            logger.debug("Opening {} with a HEAD: {}", requests.locationOf(key), e.toString());
            return withoutHead(requests, key, executor);
        }
    }

    private static S3ObjectReader withoutHead(
            S3Requests requests, String key, ExecutorService executor) throws IOException {
        long size;
        try {
            size =
                    S3Requests.once(
                                    () ->
                                            requests.client()
                                                    .headObject(
                                                            b ->
                                                                    b.bucket(requests.bucket())
                                                                            .key(key)))
                            .contentLength();
        } catch (SdkException e) {
            throw S3Requests.failure("open", requests.locationOf(key), e);
        }
        return new S3ObjectReader(requests, key, size, executor, ByteBuffer.allocate(0));
    }

    /**
     * Returns the object's size from a ranged GET's answer: the total in {@code Content-Range}, or
     * the length of the body where the server ignored the range and sent the whole object.
     */
    private static long sizeOf(GetObjectResponse response, String location) throws IOException {
        String range = response.contentRange();
        if (range == null) {
            Long length = response.contentLength();
            if (length == null || length < 0) {
                throw new IOException(location + ": the GET answered neither a range nor a length");
            }
            return length;
        }
        Matcher m = CONTENT_RANGE.matcher(range);
        if (!m.matches()) {
            throw new IOException(location + ": unexpected Content-Range \"" + range + "\"");
        }
        try {
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            long size = Long.parseLong(m.group(3));
            // the range asked for, as the object's size allows it: else the bytes are not the head
            if (first != 0 || last != Math.min(size, HEAD_BYTES) - 1) {
                throw new IOException(
                        location + ": Content-Range \"" + range + "\" is not the range asked for");
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IOException(location + ": Content-Range \"" + range + "\" out of range", e);
        }
    }

    /**
     * Copies the bytes at {@code position} from the kept head into {@code dst}, when they all lie
     * within it.
     *
     * @return whether they did (and were copied)
     */
    private boolean fromHead(ByteBuffer dst, long position, int n) {
        if (position + n > head.limit()) {
            return false;
        }
        ByteBuffer bytes = head.duplicate();
        bytes.position((int) position).limit((int) position + n);
        dst.put(bytes);
        return true;
    }

    @Override
    public long size() {
        return size;
    }

    /**
     * Returns the least a read should ask for when the caller reads on every core at once: one part
     * per request, and as many parts per read as it takes for the reads of all cores together to
     * keep the store's {@code parallelism} requests busy (a larger read is fetched in part-size
     * ranges by the store's threads). At most 1 GiB.
     *
     * @return the size in bytes
     */
    @Override
    public int preferredReadSize() {
        S3StoreOptions options = requests.options();
        long partsPerRead = Math.max(1, options.parallelism() / CORES);
        return (int) Math.min(options.partSize() * partsPerRead, MAX_PREFERRED_READ);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        if (fromHead(dst, position, n)) {
            return n;
        }
        ByteBuffer range = dst.slice();
        range.limit(n);
        fetch(range, position, NEVER);
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
        if (fromHead(dst, position, n)) {
            return;
        }
        long rangeSize = rangeSize(n);
        if (n <= rangeSize) {
            fetch(dst.slice(), position, NEVER);
            dst.position(dst.limit());
            return;
        }
        List<Future<?>> ranges = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (long offset = 0; offset < n; offset += rangeSize) {
                ByteBuffer range = dst.slice();
                range.position((int) offset);
                range.limit((int) Math.min(n, offset + rangeSize));
                ByteBuffer target = range.slice();
                long at = position + offset;
                ranges.add(
                        executor.submit(
                                () -> {
                                    fetch(target, at, stop);
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
            stop.set(true); // the other ranges stop at their next read; a no-op once all are done
            awaitAll(ranges);
        }
        dst.position(dst.limit());
    }

    /**
     * Returns the size of the ranges a read of {@code n} bytes is split into: a part at most, so
     * that each GET is no larger than an upload's part; fewer bytes where that gives each of the
     * store's threads a range, down to {@value #MIN_RANGE} bytes (the byte-range size AWS suggests
     * for parallel GETs); {@code n} itself (no split) for a store of one thread.
     */
    private long rangeSize(int n) {
        int parallelism = requests.options().parallelism();
        if (parallelism == 1) {
            return n;
        }
        long spread = Math.max(MIN_RANGE, (n + parallelism - 1L) / parallelism);
        return Math.min(requests.options().partSize(), spread);
    }

    /**
     * Waits for every range to end, uninterruptibly: after a failure the others stop at their next
     * read (a socket read may not heed an interrupt), and none may write into the caller's buffer
     * once this read has returned, since the caller may free it.
     */
    private static void awaitAll(List<Future<?>> ranges) {
        boolean interrupted = false;
        for (Future<?> range : ranges) {
            while (true) {
                try {
                    range.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break; // the failure thrown above, or one that came with it
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {}

    /**
     * Fills {@code dst} with the bytes at {@code position}, resuming a broken body; stops early,
     * leaving {@code dst} short, once {@code stop} is set (another range of the read failed).
     */
    private void fetch(ByteBuffer dst, long position, AtomicBoolean stop) throws IOException {
        int attempts = 0;
        long delay = S3Clients.BASE_BACKOFF.toMillis();
        while (dst.hasRemaining() && !stop.get()) {
            long first = position + dst.position();
            ResponseInputStream<GetObjectResponse> body;
            try {
                body = requests.getRange(key, first, first + dst.remaining() - 1);
            } catch (SdkException e) {
                throw S3Requests.failure("read", requests.locationOf(key), e);
            }
            try (InputStream in = body) {
                copy(in, dst, stop);
                if (dst.hasRemaining() && !stop.get()) {
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

    private static void copy(InputStream in, ByteBuffer dst, AtomicBoolean stop)
            throws IOException {
        if (dst.hasArray()) {
            while (dst.hasRemaining() && !stop.get()) {
                int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n < 0) {
                    return;
                }
                dst.position(dst.position() + n);
            }
            return;
        }
        byte[] chunk = new byte[COPY_CHUNK];
        while (dst.hasRemaining() && !stop.get()) {
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
