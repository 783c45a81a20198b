/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage;

/**
 * An object in a {@link CheckpointStore}, as a listing shows it.
 *
 * @param key the key relative to the store's root, with {@code /} between path segments
 * @param size the size in bytes
 */
public record StoredObject(String key, long size) {}
