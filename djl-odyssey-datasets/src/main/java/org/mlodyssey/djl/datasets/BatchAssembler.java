/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Assembles the arrays of a batch of compact images: gathers the images' uint8 pixels (augmented if
 * configured) into one scratch buffer per thread, then makes one uint8 array of it and converts
 * that on the engine into float32, normalised per channel as {@code (x / 255 - mean) / std} or
 * scaled as {@code x / 255}.
 *
 * <p>The byte side ({@link #gather}, {@link #scale()}, {@link #shift()}) needs no engine.
 */
final class BatchAssembler {

    private final boolean normalize;
    private final float[] mean;
    private final float[] std;
    private final CropFlipAugmentation augmentation;
    private final ThreadLocal<ByteBuffer> scratch = new ThreadLocal<>();

    /**
     * Creates an assembler.
     *
     * @param normalize whether to standardise with {@code mean} and {@code std}, or only scale to
     *     [0, 1]
     * @param mean the mean of each channel, on the [0, 1] scale
     * @param std the standard deviation of each channel, on the [0, 1] scale
     * @param augmentation the augmentation of batches, or {@code null} for none
     */
    BatchAssembler(
            boolean normalize, float[] mean, float[] std, CropFlipAugmentation augmentation) {
        this.normalize = normalize;
        this.mean = mean.clone();
        this.std = std.clone();
        this.augmentation = augmentation;
    }

    /**
     * Returns the per-channel factor of the normalisation {@code x * scale - shift} on uint8
     * values, {@code 1 / (255 std)}, or {@code null} when normalisation is off.
     *
     * @return the scale of each channel, or {@code null}
     */
    float[] scale() {
        if (!normalize) {
            return null;
        }
        float[] scale = new float[std.length];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = 1f / (255f * std[i]);
        }
        return scale;
    }

    /**
     * Returns the per-channel offset of the normalisation {@code x * scale - shift} on uint8
     * values, {@code mean / std}, or {@code null} when normalisation is off.
     *
     * @return the shift of each channel, or {@code null}
     */
    float[] shift() {
        if (!normalize) {
            return null;
        }
        float[] shift = new float[mean.length];
        for (int i = 0; i < shift.length; i++) {
            shift[i] = mean[i] / std[i];
        }
        return shift;
    }

    /**
     * Creates the per-channel normalisation constants once for an epoch: the arrays {@code scale}
     * and {@code shift} of shape (1, C, 1, 1), or {@code null} when normalisation is off.
     *
     * @param manager the manager of the arrays
     * @param device the device to put them on, or {@code null} for the manager's
     * @return the two arrays, or {@code null}
     */
    NDList normalization(NDManager manager, Device device) {
        if (!normalize) {
            return null;
        }
        Shape shape = new Shape(1, mean.length, 1, 1);
        NDList list = new NDList(manager.create(scale(), shape), manager.create(shift(), shape));
        return device != null ? list.toDevice(device, false) : list;
    }

    /**
     * Returns this thread's scratch buffer, grown to hold {@code bytes}, cleared and limited to
     * them. The caller closes the array that wraps it before this thread asks again.
     *
     * @param allocator the manager that allocates a larger buffer (in the engine's byte order)
     * @param bytes the bytes needed
     * @return the buffer
     */
    ByteBuffer scratch(NDManager allocator, int bytes) {
        ByteBuffer buffer = scratch.get();
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = allocator.allocateDirect(bytes);
            scratch.set(buffer);
        }
        buffer.clear().limit(bytes);
        return buffer;
    }

    /**
     * Gathers images into a buffer, augmented if the assembler has an augmentation and {@code
     * augment} is set, and returns their labels.
     *
     * @param store the images
     * @param rows the indices of the images, in batch order
     * @param epoch the epoch, which the augmentation draws from
     * @param augment whether to augment (batches) or not (single records)
     * @param out the buffer, at least {@code rows.length * store.rowBytes} long
     * @return the labels of the images, as 0-based class indices
     */
    float[] gather(ImageStore store, int[] rows, int epoch, boolean augment, ByteBuffer out) {
        int n = rows.length;
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            int row = rows[i];
            if (augmentation != null && augment) {
                augmentation.apply(
                        store.pixels,
                        row,
                        store.channels,
                        store.height,
                        store.width,
                        epoch,
                        out,
                        i * store.rowBytes);
            } else {
                out.put(i * store.rowBytes, store.pixels, row * store.rowBytes, store.rowBytes);
            }
            labels[i] = store.labels[row] & 0xff;
        }
        return labels;
    }

    /**
     * Converts gathered uint8 images into a normalised float32 array on the engine.
     *
     * @param manager the manager of the result
     * @param pixels the gathered images
     * @param shape the shape of the batch, (N, C, H, W)
     * @param device the device of the result, or {@code null} for the manager's
     * @param normalization the arrays of {@link #normalization}, or {@code null} to scale to [0, 1]
     * @return the float32 batch
     */
    static NDArray toFloat(
            NDManager manager,
            ByteBuffer pixels,
            Shape shape,
            Device device,
            NDList normalization) {
        NDArray x;
        try (NDArray u8 = manager.create(pixels, shape, DataType.UINT8)) {
            if (device != null && !device.equals(u8.getDevice())) {
                try (NDArray moved = u8.toDevice(device, true)) {
                    x = moved.toType(DataType.FLOAT32, true);
                }
            } else {
                x = u8.toType(DataType.FLOAT32, true);
            }
        }
        if (normalization == null) {
            x.muli(1f / 255f);
        } else {
            x.muli(normalization.get(0)).subi(normalization.get(1));
        }
        return x;
    }
}
