/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import java.util.List;

/**
 * The loaded content of a dataset: every image's uint8 pixels in one array (each image
 * channel-major, CHW), one unsigned byte label per image, and the class names.
 */
final class ImageStore {

    final byte[] pixels;
    final byte[] labels;
    final int count;
    final int channels;
    final int height;
    final int width;
    final int rowBytes;
    final List<String> classNames;

    ImageStore(
            byte[] pixels,
            byte[] labels,
            int count,
            int channels,
            int height,
            int width,
            List<String> classNames) {
        this.rowBytes = channels * height * width;
        if (pixels.length != (long) count * rowBytes || labels.length != count) {
            throw new IllegalArgumentException("pixel or label array does not match the count");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
    }
}
