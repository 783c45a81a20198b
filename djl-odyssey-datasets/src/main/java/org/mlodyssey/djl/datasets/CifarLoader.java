/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.util.Progress;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlodyssey.djl.datasets.cifar.CifarRecordReader;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;

/** Loads the kept records of a sequence of CIFAR batch files into an {@link ImageStore}. */
final class CifarLoader {

    private CifarLoader() {}

    /**
     * Loads the records of {@code files}, in order, that {@code dataset} keeps.
     *
     * @param dataset the dataset (for its row selection)
     * @param files the batch files, in order
     * @param officialCounts for each file, the number of records the official file holds: the most
     *     it may hold (a budget checked before anything is allocated)
     * @param exactCounts whether each file must hold exactly its official count (otherwise a
     *     subset, fewer records, is read)
     * @param labelLimits the number of classes of each label byte of a record
     * @param labelByte which label byte is the dataset's label
     * @param classNames the class names of that label
     * @param progress receives progress, or {@code null}
     * @return the store
     * @throws DatasetFormatException with {@link Kind#TOO_LITTLE_DATA} or {@link
     *     Kind#TOO_MUCH_DATA} if a file holds another number of records than expected
     * @throws IOException if a file is malformed or cannot be read
     */
    static ImageStore load(
            CompactImageDataset dataset,
            List<Path> files,
            int[] officialCounts,
            boolean exactCounts,
            int[] labelLimits,
            int labelByte,
            List<String> classNames,
            Progress progress)
            throws IOException {
        try (OpenReaders readers = new OpenReaders()) {
            int total = 0;
            for (int f = 0; f < files.size(); f++) {
                Path file = files.get(f);
                CifarRecordReader reader = CifarRecordReader.open(file, labelLimits);
                readers.add(reader);
                int expected = officialCounts[f];
                if (reader.getCount() > expected) {
                    throw new DatasetFormatException(
                            Kind.TOO_MUCH_DATA,
                            file,
                            "the file holds "
                                    + reader.getCount()
                                    + " records, more than the "
                                    + expected
                                    + " of the official file: it is not a CIFAR batch file of"
                                    + " this dataset");
                }
                if (exactCounts && reader.getCount() != expected) {
                    throw new DatasetFormatException(
                            reader.getCount() < expected
                                    ? Kind.TOO_LITTLE_DATA
                                    : Kind.TOO_MUCH_DATA,
                            file,
                            "the file holds "
                                    + reader.getCount()
                                    + " records, the official file "
                                    + expected
                                    + ": it is cut or not the official file (a builder's"
                                    + " optCheckRecordCounts(false) reads it anyway)");
                }
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
            for (CifarRecordReader reader : readers.list) {
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
        }
    }

    /**
     * The open readers: closing it closes every one, even when closing one fails (the first failure
     * is thrown, the others are added to it as suppressed exceptions).
     */
    static final class OpenReaders implements Closeable {

        final List<CifarRecordReader> list = new ArrayList<>();

        void add(CifarRecordReader reader) {
            list.add(reader);
        }

        /** {@inheritDoc} */
        @Override
        public void close() throws IOException {
            closeAll(list);
        }

        /**
         * Closes every resource, in order, even when closing one fails.
         *
         * @param resources the resources
         * @throws IOException the first failure, with the later ones suppressed
         */
        static void closeAll(List<? extends Closeable> resources) throws IOException {
            IOException failure = null;
            for (Closeable c : resources) {
                try {
                    c.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
