/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import java.nio.ByteBuffer;
import org.mlodyssey.djl.checkpoint.internal.SplitMix64;

/**
 * The standard image augmentation on uint8 pixels: a random crop back to the image's size from a
 * copy zero-padded on each side, then a left-right flip with probability 1/2 (in that order, as
 * torchvision's {@code RandomCrop(padding)} then {@code RandomHorizontalFlip}).
 *
 * <p>The draw depends only on the seed, the epoch and the image's index (never on its batch or
 * position), so a resumed run draws what the uninterrupted run drew. It works on bytes in the
 * images' channel-major (CHW) layout and knows nothing of the engine.
 */
final class CropFlipAugmentation {

    private static final byte[] ZEROS = new byte[3 * 32 * 32];

    private final long seed;
    private final int padding;

    /**
     * Creates the augmentation.
     *
     * @param seed the seed of the draws
     * @param padding the zero padding on each side, so offsets range from {@code -padding} to
     *     {@code padding}
     */
    CropFlipAugmentation(long seed, int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("negative crop padding: " + padding);
        }
        this.seed = seed;
        this.padding = padding;
    }

    /**
     * One image's draw: the crop's offset from the centre and whether it is flipped.
     *
     * @param dy the rows the crop is shifted down: output row {@code y} is source row {@code y +
     *     dy}
     * @param dx the columns the crop is shifted right: output column {@code x} is source column
     *     {@code x + dx} (before the flip)
     * @param flip whether the crop is then flipped left-right
     */
    record Draw(int dy, int dx, boolean flip) {}

    /**
     * Returns the draw of an image in an epoch.
     *
     * @param epoch the epoch
     * @param row the image's index in the dataset
     * @return its draw
     */
    Draw draw(int epoch, int row) {
        long h = SplitMix64.mix(seed, epoch, row);
        int span = 2 * padding + 1;
        int dy = (int) Long.remainderUnsigned(h, span) - padding;
        int dx = (int) Long.remainderUnsigned(h >>> 20, span) - padding;
        boolean flip = (h >>> 63) != 0;
        return new Draw(dy, dx, flip);
    }

    /**
     * Writes one image, augmented as drawn for its epoch and index, into a buffer.
     *
     * @param pixels the pixels of every image, each channel-major (CHW)
     * @param row the image's index: its pixels start at {@code row * channels * height * width}
     * @param channels the number of channels
     * @param height the image height
     * @param width the image width
     * @param epoch the epoch
     * @param out the buffer (whatever it held at the image's place is overwritten)
     * @param outOff where the image goes in {@code out}
     */
    void apply(
            byte[] pixels,
            int row,
            int channels,
            int height,
            int width,
            int epoch,
            ByteBuffer out,
            int outOff) {
        Draw d = draw(epoch, row);
        int dy = d.dy();
        int dx = d.dx();
        int plane = height * width;
        int rowBytes = channels * plane;
        int src = row * rowBytes;
        // the buffer may hold a previous batch: clear this image's region for the padding
        for (int z = 0; z < rowBytes; z += ZEROS.length) {
            out.put(outOff + z, ZEROS, 0, Math.min(ZEROS.length, rowBytes - z));
        }
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                if (sy < 0 || sy >= height) {
                    continue;
                }
                int srcRow = src + c * plane + sy * width;
                int dstRow = outOff + c * plane + y * width;
                int x0 = Math.max(0, -dx);
                int x1 = Math.min(width, width - dx);
                if (!d.flip()) {
                    if (x1 > x0) {
                        out.put(dstRow + x0, pixels, srcRow + x0 + dx, x1 - x0);
                    }
                } else {
                    // out(y, x) = cropped(y, w - 1 - x) = src(sy, w - 1 - x + dx)
                    for (int x = 0; x < width; x++) {
                        int sx = width - 1 - x + dx;
                        if (sx >= 0 && sx < width) {
                            out.put(dstRow + x, pixels[srcRow + sx]);
                        }
                    }
                }
            }
        }
    }
}
