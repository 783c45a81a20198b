/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets.cifar;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;
import org.mlodyssey.djl.datasets.internal.DataFileInput;

/**
 * Reads a CIFAR binary batch file record by record, checking every label.
 *
 * <p>The format has no header: the file is a sequence of fixed-size records, each {@code
 * labelBytes} label bytes (1 for CIFAR-10; coarse then fine for CIFAR-100) followed by 3072 pixel
 * bytes: the 1024 red, then the 1024 green, then the 1024 blue values of a 32x32 image, each plane
 * row-major. {@link #open} checks that the file is a whole, non-zero number of records.
 */
public final class CifarRecordReader implements Closeable {

    /** The pixel bytes of one record (3 x 32 x 32). */
    public static final int PIXEL_BYTES = 3 * 32 * 32;

    private final DataFileInput input;
    private final int[] labelLimits;
    private final int recordBytes;
    private final int count;
    private final byte[] record;
    private int next;

    private CifarRecordReader(DataFileInput input, int[] labelLimits, int count) {
        this.input = input;
        this.labelLimits = labelLimits.clone();
        this.recordBytes = labelLimits.length + PIXEL_BYTES;
        this.count = count;
        this.record = new byte[recordBytes];
    }

    /**
     * Opens a batch file.
     *
     * @param file the file (plain binary, as in the official archives)
     * @param labelLimits for each label byte of a record, the number of classes it may name
     * @return a reader positioned at the first record
     * @throws DatasetFormatException with {@link Kind#BAD_RECORD_SIZE} if the file is empty, not a
     *     whole number of records, or compressed
     * @throws IOException if the file cannot be read
     */
    public static CifarRecordReader open(Path file, int... labelLimits) throws IOException {
        DataFileInput input = DataFileInput.open(file);
        try {
            long size = input.exactPayloadBytes();
            long recordBytes = labelLimits.length + (long) PIXEL_BYTES;
            if (size < 0) {
                throw new DatasetFormatException(
                        Kind.BAD_RECORD_SIZE,
                        file,
                        "the file is gzip-compressed; CIFAR batch files are plain binary");
            }
            if (size == 0 || size % recordBytes != 0 || size / recordBytes > Integer.MAX_VALUE) {
                throw new DatasetFormatException(
                        Kind.BAD_RECORD_SIZE,
                        file,
                        "the file has "
                                + size
                                + " bytes, not a whole non-zero number of "
                                + recordBytes
                                + "-byte records");
            }
            return new CifarRecordReader(input, labelLimits, (int) (size / recordBytes));
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
        }
    }

    /**
     * Returns the number of records in the file.
     *
     * @return the number of records
     */
    public int getCount() {
        return count;
    }

    /**
     * Reads the next record and checks its labels.
     *
     * @param labels receives the record's label bytes (as many as label limits were given)
     * @param pixels receives the record's {@link #PIXEL_BYTES} pixel bytes, or {@code null} to drop
     *     them
     * @param offset the offset in {@code pixels}
     * @throws DatasetFormatException with {@link Kind#LABEL_OUT_OF_RANGE} for a label at or above
     *     its limit
     * @throws IOException if reading fails
     */
    public void next(int[] labels, byte[] pixels, int offset) throws IOException {
        if (next >= count) {
            throw new IllegalStateException("all " + count + " records are read");
        }
        input.readFully(record, 0, recordBytes);
        for (int i = 0; i < labelLimits.length; i++) {
            int label = record[i] & 0xff;
            if (label >= labelLimits[i]) {
                throw new DatasetFormatException(
                        Kind.LABEL_OUT_OF_RANGE,
                        input.getFile(),
                        "record "
                                + next
                                + " has label "
                                + label
                                + " in label byte "
                                + i
                                + ", the classes are 0.."
                                + (labelLimits[i] - 1));
            }
            labels[i] = label;
        }
        if (pixels != null) {
            System.arraycopy(record, labelLimits.length, pixels, offset, PIXEL_BYTES);
        }
        next++;
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws IOException {
        input.close();
    }
}
