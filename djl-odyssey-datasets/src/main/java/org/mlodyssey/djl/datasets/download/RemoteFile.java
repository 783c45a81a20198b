/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.download;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A file published at a URL, with the size and MD5 checksum its publisher gives for it.
 *
 * <p>The checksum is MD5 because that is what the EMNIST and CIFAR publishers give; it guards
 * against corrupt and truncated transfers, not against tampering.
 */
public final class RemoteFile {

    private final String fileName;
    private final URI url;
    private final long size;
    private final String md5;

    /**
     * Creates a description of a published file.
     *
     * @param fileName the name the file is stored under locally
     * @param url where the publisher serves it
     * @param size its size in bytes, or -1 when unknown
     * @param md5 its MD5 checksum in hexadecimal
     */
    public RemoteFile(String fileName, URI url, long size, String md5) {
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.url = Objects.requireNonNull(url, "url");
        this.size = size;
        this.md5 = Objects.requireNonNull(md5, "md5").toLowerCase(Locale.ROOT);
        if (!this.md5.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("not an MD5 checksum: " + md5);
        }
    }

    /**
     * Returns the same file as served by a mirror: the mirror's base URL followed by the file's
     * name.
     *
     * @param mirrorBaseUrl the mirror's base URL, for example {@code http://host/datasets/}
     * @return a description with the mirror's URL and the same name, size and checksum
     */
    public RemoteFile atMirror(String mirrorBaseUrl) {
        String base = mirrorBaseUrl.endsWith("/") ? mirrorBaseUrl : mirrorBaseUrl + "/";
        return new RemoteFile(fileName, URI.create(base).resolve(fileName), size, md5);
    }

    /**
     * Returns the local file name.
     *
     * @return the file name
     */
    public String getFileName() {
        return fileName;
    }

    /**
     * Returns the URL.
     *
     * @return the URL the file is served at
     */
    public URI getUrl() {
        return url;
    }

    /**
     * Returns the size the publisher gives.
     *
     * @return the size in bytes, or -1 when unknown
     */
    public long getSize() {
        return size;
    }

    /**
     * Returns the MD5 checksum the publisher gives.
     *
     * @return the checksum in lower-case hexadecimal
     */
    public String getMd5() {
        return md5;
    }

    /**
     * Describes the file for an error message: URL, size and checksum.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return fileName
                + " from "
                + url
                + (size >= 0 ? " (" + size + " bytes" : " (size unknown")
                + ", MD5 "
                + md5
                + ")";
    }
}
