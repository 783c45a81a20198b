/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.distributed;

/**
 * The file one rank wrote, as the store reported it once written.
 *
 * @param rank the rank
 * @param key the file's key, relative to the checkpoint
 * @param size its size in bytes
 * @param crc32c the CRC32C of its whole content
 */
public record RankFile(int rank, String key, long size, int crc32c) {}
