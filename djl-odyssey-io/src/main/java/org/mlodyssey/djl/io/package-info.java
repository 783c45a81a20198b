/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Reading files that may be hostile: {@link org.mlodyssey.djl.io.BoundedFiles} reads a small file
 * (a manifest, an index, a mapping or class-name file) in bounded time and memory, and {@link
 * org.mlodyssey.djl.io.UntrustedText} makes a string read from a file safe to print.
 */
package org.mlodyssey.djl.io;
