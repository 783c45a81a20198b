/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where checkpoint files live: a local directory or a bucket prefix. Keys are relative to the
 * store's root and use {@code /} between segments ({@code step-0000100/model.odc}).
 *
 * <p>The one commit primitive is {@link #write}: an object appears under its key complete, with the
 * content written, or not at all; a reader never sees a part of it. A store may have no rename
 * ({@link #hasAtomicRename()} is false for buckets), so a group of files is committed by writing
 * each under its final key and then one small object, the commit point, last; readers ignore a
 * group without it. See {@code docs/storage.md}.
 */
public interface CheckpointStore extends Closeable {

    /**
     * Describes where the store is, for messages: a directory path or {@code s3://bucket/prefix}.
     *
     * @return the location
     */
    String location();

    /**
     * Describes where one key is, for messages.
     *
     * @param key a key
     * @return the location of the key
     */
    String locationOf(String key);

    /**
     * Lists the objects whose keys start with a prefix, at any depth, sorted by key.
     *
     * @param prefix a key prefix; {@code ""} for everything; a directory-like prefix ends with
     *     {@code /}
     * @return the objects, empty when there are none
     * @throws IOException if listing fails
     */
    List<StoredObject> list(String prefix) throws IOException;

    /**
     * Looks up one object.
     *
     * @param key the key
     * @return the object, or empty when the key does not exist
     * @throws IOException if the lookup fails
     */
    Optional<StoredObject> stat(String key) throws IOException;

    /**
     * Opens an object for positional reads.
     *
     * @param key the key
     * @return a reader, to be closed
     * @throws java.nio.file.NoSuchFileException if the key does not exist
     * @throws IOException if opening fails
     */
    ObjectReader open(String key) throws IOException;

    /**
     * Writes an object and commits it: once this returns, readers see the whole new content under
     * the key; if it throws, the key holds what it held before and nothing partial is left behind
     * (no temporary file, no multipart upload). The content is written by calling {@code content}
     * in the calling thread, once or, to retry, again from the start; the object committed holds
     * the bytes of the last call.
     *
     * @param key the key
     * @param content writes the bytes
     * @return the key, the size and the CRC32C of what was written
     * @throws IOException if writing fails
     */
    WrittenObject write(String key, ObjectContent content) throws IOException;

    /**
     * Deletes one object. A key that does not exist is no error.
     *
     * @param key the key
     * @throws IOException if deleting fails
     */
    void delete(String key) throws IOException;

    /**
     * Deletes every object whose key starts with a prefix.
     *
     * @param prefix the prefix; must not be empty
     * @return the number of objects deleted
     * @throws IOException if listing or deleting fails; what was deleted stays deleted
     */
    int deleteAll(String prefix) throws IOException;

    /**
     * Aborts the writes under a prefix that were begun and never finished, such as the open
     * multipart uploads of a process killed mid-upload, freeing what they hold. Call it only when
     * no live writer can be writing under the prefix (the caller holds the location's lease): a
     * live write would be aborted too. A store whose writes leave nothing behind when a process
     * dies does nothing.
     *
     * @param prefix a key prefix; {@code ""} for the whole store
     * @return the keys whose unfinished writes were aborted, empty when there were none
     * @throws IOException if listing or aborting fails
     */
    default List<String> abortUnfinishedWrites(String prefix) throws IOException {
        return List.of();
    }

    /**
     * Tells whether the store renames directories atomically (a local filesystem), so a group of
     * files can be committed by one rename. Buckets cannot.
     *
     * @return true when groups can be renamed atomically
     */
    boolean hasAtomicRename();
}
