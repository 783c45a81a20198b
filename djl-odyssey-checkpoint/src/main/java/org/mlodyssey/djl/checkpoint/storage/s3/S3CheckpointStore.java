/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlodyssey.djl.checkpoint.internal.ChecksummingChannel;
import org.mlodyssey.djl.checkpoint.storage.CheckpointStore;
import org.mlodyssey.djl.checkpoint.storage.ObjectContent;
import org.mlodyssey.djl.checkpoint.storage.ObjectReader;
import org.mlodyssey.djl.checkpoint.storage.StoredObject;
import org.mlodyssey.djl.checkpoint.storage.WrittenObject;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link CheckpointStore} under a prefix of an S3-compatible bucket. Every object is written
 * under its final key by one {@code PutObject} or, past one part, a parallel multipart upload;
 * either way it appears whole or not at all. There is no rename ({@link #hasAtomicRename()} is
 * false): groups of objects are committed by writing a commit object last.
 */
public final class S3CheckpointStore implements CheckpointStore {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final S3Location location;
    private final S3Requests requests;
    private final ExecutorService executor;

    private S3CheckpointStore(S3Location location, S3Client client, S3StoreOptions options) {
        this.location = location;
        this.requests = new S3Requests(client, location.bucket(), options);
        this.executor =
                Executors.newFixedThreadPool(
                        options.parallelism(),
                        r -> {
                            Thread thread =
                                    new Thread(r, "odyssey-s3-" + THREADS.incrementAndGet());
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /**
     * Opens a store at an {@code s3://bucket/prefix} location. The bucket must exist.
     *
     * @param location the location
     * @param options how to reach the bucket
     * @return the store, to be closed
     */
    public static S3CheckpointStore open(String location, S3StoreOptions options) {
        return new S3CheckpointStore(S3Location.parse(location), S3Clients.build(options), options);
    }

    /**
     * Returns the bucket and prefix.
     *
     * @return the location
     */
    public S3Location s3Location() {
        return location;
    }

    /**
     * Returns the options.
     *
     * @return the options
     */
    public S3StoreOptions options() {
        return requests.options();
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public String locationOf(String key) {
        return requests.locationOf(location.keyOf(key));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        String full = location.keyOf(prefix);
        List<StoredObject> objects = new ArrayList<>();
        try {
            S3Requests.once(
                    () -> {
                        for (S3Object object :
                                requests.client()
                                        .listObjectsV2Paginator(
                                                b -> b.bucket(location.bucket()).prefix(full))
                                        .contents()) {
                            objects.add(
                                    new StoredObject(
                                            object.key().substring(location.prefix().length()),
                                            object.size()));
                        }
                        return objects;
                    });
        } catch (SdkException e) {
            throw S3Requests.failure("list", requests.locationOf(full), e);
        }
        return objects; // S3 lists keys in UTF-8 binary order, as String#compareTo on ASCII keys
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        String full = location.keyOf(key);
        try {
            HeadObjectResponse head =
                    S3Requests.once(
                            () ->
                                    requests.client()
                                            .headObject(
                                                    b -> b.bucket(location.bucket()).key(full)));
            return Optional.of(new StoredObject(key, head.contentLength()));
        } catch (SdkException e) {
            IOException failure = S3Requests.failure("stat", requests.locationOf(full), e);
            if (failure instanceof java.nio.file.NoSuchFileException) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    @Override
    public ObjectReader open(String key) throws IOException {
        return S3ObjectReader.open(requests, location.keyOf(key), executor);
    }

    @Override
    public WrittenObject write(String key, ObjectContent content) throws IOException {
        try (MultipartUploadChannel upload =
                new MultipartUploadChannel(requests, location.keyOf(key), executor)) {
            ChecksummingChannel counted = new ChecksummingChannel(upload);
            content.writeTo(counted);
            upload.commit();
            return new WrittenObject(key, counted.count(), counted.crc32c());
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String full = location.keyOf(key);
        try {
            S3Requests.once(
                    () ->
                            requests.client()
                                    .deleteObject(b -> b.bucket(location.bucket()).key(full)));
        } catch (SdkException e) {
            IOException failure = S3Requests.failure("delete", requests.locationOf(full), e);
            if (!(failure instanceof java.nio.file.NoSuchFileException)) {
                throw failure;
            }
        }
    }

    /**
     * Deletes every object under a prefix, several at once. Single {@code DeleteObject} requests
     * are used rather than {@code DeleteObjects}, which needs a checksum header that not every
     * S3-compatible store accepts.
     */
    @Override
    public int deleteAll(String prefix) throws IOException {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("Refusing to delete the whole store " + location);
        }
        List<Future<?>> deletions = new ArrayList<>();
        for (StoredObject object : list(prefix)) {
            deletions.add(
                    executor.submit(
                            () -> {
                                delete(object.key());
                                return null;
                            }));
        }
        for (Future<?> deletion : deletions) {
            try {
                deletion.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("Interrupted deleting " + prefix);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io
                        ? io
                        : new IOException("Deleting under " + locationOf(prefix), e.getCause());
            }
        }
        return deletions.size();
    }

    /**
     * Lists the multipart uploads begun under a prefix and not completed or aborted: those of a
     * process killed mid-upload. Their parts are billed until aborted.
     *
     * @param prefix a key prefix relative to the store
     * @return the keys, relative to the store, of the open uploads
     * @throws IOException if listing fails
     */
    public List<String> listIncompleteUploads(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        for (MultipartUpload upload : incompleteUploads(prefix)) {
            keys.add(upload.key().substring(location.prefix().length()));
        }
        return keys;
    }

    /**
     * Aborts the multipart uploads under a prefix, freeing the parts a killed process left.
     *
     * @param prefix a key prefix relative to the store
     * @return the number of uploads aborted
     * @throws IOException if listing or aborting fails
     */
    public int abortIncompleteUploads(String prefix) throws IOException {
        return abortUnfinishedWrites(prefix).size();
    }

    /**
     * Aborts the multipart uploads begun under a prefix and never completed or aborted: those a
     * process killed mid-upload left, or those of a live writer, which the caller must rule out.
     *
     * @param prefix a key prefix relative to the store
     * @return the keys, relative to the store, of the aborted uploads
     * @throws IOException if listing or aborting fails
     */
    @Override
    public List<String> abortUnfinishedWrites(String prefix) throws IOException {
        List<String> aborted = new ArrayList<>();
        for (MultipartUpload upload : incompleteUploads(prefix)) {
            try {
                requests.abortMultipartUpload(upload.key(), upload.uploadId());
            } catch (SdkException e) {
                throw S3Requests.failure("abort", requests.locationOf(upload.key()), e);
            }
            aborted.add(upload.key().substring(location.prefix().length()));
        }
        return aborted;
    }

    /**
     * Lists the open multipart uploads of the bucket and keeps those under a prefix. The prefix is
     * matched here rather than sent, as S3Proxy refuses a prefixed listing.
     */
    private List<MultipartUpload> incompleteUploads(String prefix) throws IOException {
        String full = location.keyOf(prefix);
        List<MultipartUpload> uploads = new ArrayList<>();
        try {
            S3Requests.once(
                    () -> {
                        for (MultipartUpload upload :
                                requests.client()
                                        .listMultipartUploadsPaginator(
                                                b -> b.bucket(location.bucket()))
                                        .uploads()) {
                            if (upload.key().startsWith(full)) {
                                uploads.add(upload);
                            }
                        }
                        return uploads;
                    });
        } catch (SdkException e) {
            throw S3Requests.failure("list uploads", requests.locationOf(full), e);
        }
        return uploads;
    }

    @Override
    public boolean hasAtomicRename() {
        return false;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        requests.client().close();
    }

    @Override
    public String toString() {
        return location();
    }
}
