/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

/**
 * An object a {@link CheckpointStore} has just committed, with the checksum of the bytes written.
 *
 * @param key the key relative to the store's root
 * @param size the number of bytes written
 * @param crc32c the CRC32C of the bytes written, as {@link java.util.zip.CRC32C} computes it
 */
public record WrittenObject(String key, long size, int crc32c) {}
