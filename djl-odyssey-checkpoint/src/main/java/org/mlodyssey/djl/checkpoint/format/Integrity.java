/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

/** How far the data of a loaded file is checked against its checksums. */
public enum Integrity {
    /** The file carries checksums; the header was checked and every tensor is checked on read. */
    VERIFIED,
    /** The file carries no checksums (a plain safetensors file): nothing could be checked. */
    UNCHECKED,
    /** The file carries checksums, but the caller turned verification off. */
    DISABLED
}
