/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.datasets.cifar.CifarRecordReader;

/** Loads the kept records of a sequence of CIFAR batch files into an {@link ImageStore}. */
final class CifarLoader {

    private CifarLoader() {}

    /**
     * Loads the records of {@code files}, in order, that {@code dataset} keeps.
     *
     * @param dataset the dataset (for its row selection)
     * @param files the batch files, in order
     * @param labelLimits the number of classes of each label byte of a record
     * @param labelByte which label byte is the dataset's label
     * @param classNames the class names of that label
     * @param progress receives progress, or {@code null}
     * @return the store
     * @throws IOException if a file is malformed or cannot be read
     */
    static ImageStore load(
            CompactImageDataset dataset,
            List<Path> files,
            int[] labelLimits,
            int labelByte,
            List<String> classNames,
            Progress progress)
            throws IOException {
        List<CifarRecordReader> readers = new ArrayList<>();
        try {
            int total = 0;
            for (Path file : files) {
                CifarRecordReader reader = CifarRecordReader.open(file, labelLimits);
                readers.add(reader);
                total = Math.addExact(total, reader.getCount());
            }
            RowSelection selection = dataset.selectRows(total);
            int size = selection.size();
            byte[] pixels = new byte[Math.multiplyExact(size, CifarRecordReader.PIXEL_BYTES)];
            byte[] labels = new byte[size];
            int[] recordLabels = new int[labelLimits.length];
            if (progress != null) {
                progress.reset("Loading " + files.get(0).getParent(), total);
            }
            int k = 0;
            int row = 0;
            // every record is read, so every label of every file is checked
            for (CifarRecordReader reader : readers) {
                for (int i = 0; i < reader.getCount(); i++, row++) {
                    boolean keep = k < size && selection.row(k) == row;
                    reader.next(
                            recordLabels,
                            keep ? pixels : null,
                            keep ? k * CifarRecordReader.PIXEL_BYTES : 0);
                    if (keep) {
                        labels[k++] = (byte) recordLabels[labelByte];
                    }
                }
                if (progress != null) {
                    progress.update(row);
                }
            }
            if (progress != null) {
                progress.end();
            }
            return new ImageStore(pixels, labels, size, 3, 32, 32, classNames);
        } finally {
            for (CifarRecordReader reader : readers) {
                reader.close();
            }
        }
    }
}
