/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * The djl-odyssey named-tensor file format: safetensors files with versioned metadata, CRC32C
 * integrity checks and atomic writes. This package knows nothing of DJL; see {@code
 * docs/checkpoint-format.md} for the specification.
 */
package org.mlodyssey.djl.checkpoint.format;
