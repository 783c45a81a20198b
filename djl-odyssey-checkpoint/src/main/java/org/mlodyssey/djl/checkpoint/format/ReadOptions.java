/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** How {@link TensorFile#load(java.nio.file.Path, ReadOptions)} reads a checkpoint. */
public final class ReadOptions {

    private final Set<String> names;
    private final boolean verify;
    private final long maxHeaderBytes;
    private final boolean ownedMemory;

    private ReadOptions(Builder builder) {
        this.names = builder.names == null ? null : Set.copyOf(builder.names);
        this.verify = builder.verify;
        this.maxHeaderBytes = builder.maxHeaderBytes;
        this.ownedMemory = builder.ownedMemory;
    }

    /**
     * Returns the default options: every tensor, verification on, the default header cap.
     *
     * @return the defaults
     */
    public static ReadOptions defaults() {
        return builder().build();
    }

    /**
     * Creates a builder.
     *
     * @return a new builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the names of the tensors to load.
     *
     * @return the names, or {@code null} for all
     */
    public Set<String> names() {
        return names;
    }

    /**
     * Tells whether checksums are checked.
     *
     * @return true when verification is on
     */
    public boolean verify() {
        return verify;
    }

    /**
     * Returns the largest header accepted.
     *
     * @return the cap in bytes
     */
    public long maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /**
     * Tells whether arrays loaded from the checkpoint must own their memory (one copy each) rather
     * than alias a memory mapping of the file.
     *
     * @return true when every loaded array gets memory of its own
     */
    public boolean ownedMemory() {
        return ownedMemory;
    }

    /** Builds {@link ReadOptions}. */
    public static final class Builder {

        private Set<String> names;
        private boolean verify = true;
        private long maxHeaderBytes = TensorHeader.DEFAULT_MAX_HEADER_BYTES;
        private boolean ownedMemory;

        private Builder() {}

        /**
         * Loads only these tensors; loading fails when one of them is not in the checkpoint.
         *
         * @param names the tensor names
         * @return this builder
         */
        public Builder optNames(Collection<String> names) {
            this.names = new LinkedHashSet<>(names);
            return this;
        }

        /**
         * Turns checksum verification on or off (on by default). Off trades safety for speed.
         *
         * @param verify whether to verify
         * @return this builder
         */
        public Builder optVerify(boolean verify) {
            this.verify = verify;
            return this;
        }

        /**
         * Sets the largest header accepted (100 MiB by default).
         *
         * @param maxHeaderBytes the cap in bytes
         * @return this builder
         */
        public Builder optMaxHeaderBytes(long maxHeaderBytes) {
            if (maxHeaderBytes < 2) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 2");
            }
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        /**
         * Asks for arrays that own their memory (off by default). By default, loading into new CPU
         * arrays on the PyTorch engine hands the engine a private, copy-on-write mapping of the
         * file where it can (zero copy; see {@code NDArrayFiles.load} for the lifetime rule); with
         * this on, every array gets one copy of its data in engine memory instead. Use it for
         * arrays that must outlive the manager they are loaded into or be moved to another one: the
         * mapping lives only as long as that manager.
         *
         * @param ownedMemory whether every loaded array owns its memory
         * @return this builder
         */
        public Builder optOwnedMemory(boolean ownedMemory) {
            this.ownedMemory = ownedMemory;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public ReadOptions build() {
            return new ReadOptions(this);
        }
    }
}
