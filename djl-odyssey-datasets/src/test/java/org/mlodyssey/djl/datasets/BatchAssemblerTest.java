/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte side of batch assembly (gathering, labels, normalisation constants), no engine. */
class BatchAssemblerTest {

    private static final int ROW = 2 * 3 * 4;

    /** Four 2x3x4 images: image i holds bytes 100 * i + 0..23 (so 200+ shows as unsigned). */
    private static ImageStore store() {
        byte[] pixels = new byte[4 * ROW];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (100 * (i / ROW) + i % ROW);
        }
        return new ImageStore(
                pixels, new byte[] {9, 0, (byte) 200, 3}, 4, 2, 3, 4, List.of("a", "b"));
    }

    private static final float[] MEAN = {0.5f, 0.25f};
    private static final float[] STD = {0.5f, 0.125f};

    @Test
    void gathersRowsInBatchOrderWithUnsignedLabels() {
        BatchAssembler assembler = new BatchAssembler(true, MEAN, STD, null);
        ImageStore s = store();
        ByteBuffer out = ByteBuffer.allocate(3 * ROW);
        float[] labels = assembler.gather(s, new int[] {3, 0, 2}, 0, true, out);
        assertArrayEquals(new float[] {3, 9, 200}, labels);
        int[] rows = {3, 0, 2};
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < ROW; k++) {
                assertEquals(s.pixels[rows[i] * ROW + k], out.get(i * ROW + k));
            }
        }
    }

    @Test
    void augmentsBatchesButNotSingleRecords() {
        CropFlipAugmentation augmentation = new CropFlipAugmentation(3, 1);
        BatchAssembler assembler = new BatchAssembler(false, MEAN, STD, augmentation);
        ImageStore s = store();
        ByteBuffer batch = ByteBuffer.allocate(ROW);
        assembler.gather(s, new int[] {1}, 4, true, batch);
        ByteBuffer expected = ByteBuffer.allocate(ROW);
        augmentation.apply(s.pixels, 1, 2, 3, 4, 4, expected, 0);
        assertEquals(expected, batch.rewind());
        ByteBuffer record = ByteBuffer.allocate(ROW);
        assembler.gather(s, new int[] {1}, 4, false, record);
        assertEquals(ByteBuffer.wrap(s.pixels, ROW, ROW), record.rewind());
    }

    @Test
    void normalisationConstantsMapUint8ToStandardised() {
        BatchAssembler assembler = new BatchAssembler(true, MEAN, STD, null);
        float[] scale = assembler.scale();
        float[] shift = assembler.shift();
        assertArrayEquals(new float[] {1f / (255f * 0.5f), 1f / (255f * 0.125f)}, scale);
        assertArrayEquals(new float[] {1f, 2f}, shift);
        // x = 255 in channel 1: (1 - 0.25) / 0.125 = 6
        assertEquals(6f, 255 * scale[1] - shift[1], 1e-5f);
    }

    @Test
    void noConstantsWhenNormalisationIsOff() {
        BatchAssembler assembler = new BatchAssembler(false, MEAN, STD, null);
        assertNull(assembler.scale());
        assertNull(assembler.shift());
        assertNull(assembler.normalization(null, null));
    }

    @Test
    void keepsItsOwnCopyOfMeanAndStd() {
        float[] mean = MEAN.clone();
        BatchAssembler assembler = new BatchAssembler(true, mean, STD, null);
        mean[0] = 99;
        assertEquals(1f, assembler.shift()[0]);
    }
}
