/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code get(manager, index)}: one image, normalised, without augmentation or transforms. */
class RecordTest {

    @TempDir Path dir;

    @Test
    void getReturnsOneNormalisedUnaugmentedImageAndLeavesNothingElseOnTheManager()
            throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 1));
        Cifar10 cifar =
                Cifar10.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optAugmentation(true)
                        .addTransform(x -> x.mul(0))
                        .setSampling(4, true)
                        .build();
        cifar.prepare();
        try (NDManager root = NDManager.newBaseManager();
                NDManager caller = root.newSubManager()) {
            int id = 7;
            Record record = cifar.get(caller, id);
            // Counted before the values are read: reading a GPU array makes a host copy on its
            // manager (DJL's toByteBuffer), which is not the dataset's doing.
            assertEquals(
                    2,
                    caller.getManagedArrays().size(),
                    "only the record's two arrays stay on the caller's manager");
            NDArray data = record.getData().singletonOrThrow();
            NDArray label = record.getLabels().singletonOrThrow();
            assertEquals(new Shape(3, 32, 32), data.getShape());
            assertEquals(DataType.FLOAT32, data.getDataType());
            assertEquals(new Shape(), label.getShape());
            assertEquals(CifarFixture.label10(id), label.getFloat(), 0f);
            float[] values = data.toFloatArray();
            byte[] pixels = CifarFixture.image(id);
            for (int i = 0; i < values.length; i++) {
                int c = i / 1024;
                float expected =
                        ((pixels[i] & 0xff) / 255f - Cifar10.NORMALIZE_MEAN[c])
                                / Cifar10.NORMALIZE_STD[c];
                assertEquals(expected, values[i], 1e-5f, "pixel " + i);
            }
        }
    }
}
