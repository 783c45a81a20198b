/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.util.Progress;
import ai.djl.util.Utils;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mlodyssey.djl.datasets.download.RemoteFile;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;
import org.mlodyssey.djl.datasets.idx.IdxArray;
import org.mlodyssey.djl.datasets.idx.IdxReader;
import org.mlodyssey.djl.datasets.idx.IdxType;
import org.mlodyssey.djl.datasets.internal.DataFileInput;
import org.mlodyssey.djl.datasets.internal.PayloadBuffers;

/**
 * EMNIST (Cohen et al., 2017), handwritten digits and letters as 28x28 grey images, in any of its
 * six splits.
 *
 * <p>Reads the official NIST distribution: the archive {@code gzip.zip} or the files extracted from
 * it ({@code emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte.gz} and {@code
 * emnist-<split>-mapping.txt}, directly in the data directory or in its {@code gzip/} subdirectory;
 * uncompressed IDX files without {@code .gz} are accepted too). Labels are 0-based and contiguous
 * for every split: the letters split, stored as 1..26, reads as 0..25. Class names come from the
 * mapping file: the characters of each class's codes (for letters, upper then lower case, for
 * example {@code "Aa"}).
 *
 * <p>The files store every image transposed relative to MNIST; this dataset returns them upright
 * unless {@link Builder#optRawOrientation(boolean)} keeps the raw orientation.
 *
 * <p>Images are held as uint8 in one array (for byclass train about 547 MB) and batches are built
 * in bulk; see {@link CompactImageDataset}.
 */
public final class Emnist extends CompactImageDataset {

    /** The image width in pixels. */
    public static final int IMAGE_WIDTH = 28;

    /** The image height in pixels. */
    public static final int IMAGE_HEIGHT = 28;

    /**
     * The mean used to standardise images (MNIST's figure, 0.1307; the splits of EMNIST differ from
     * it by a few hundredths, use {@link Builder#optNormalization} for exact figures).
     */
    public static final float[] NORMALIZE_MEAN = {0.1307f};

    /** The standard deviation used to standardise images (MNIST's figure, 0.3081). */
    public static final float[] NORMALIZE_STD = {0.3081f};

    /** The official archive: NIST's {@code gzip.zip}. */
    public static final RemoteFile ARCHIVE =
            new RemoteFile(
                    "gzip.zip",
                    URI.create("https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"),
                    561_753_746L,
                    "58c8d27c78d21e728a6bc7b3cc06412e");

    private static final String ARCHIVE_DIR = "gzip";

    /** The six EMNIST splits. */
    public enum Split {
        /** 62 unbalanced classes: digits, upper- and lower-case letters. */
        BYCLASS(62, 697_932, 116_323),
        /** 47 unbalanced classes: like BYCLASS with look-alike lower and upper cases merged. */
        BYMERGE(47, 697_932, 116_323),
        /** 47 balanced classes: the merged classes, the same number of images each. */
        BALANCED(47, 112_800, 18_800),
        /** 26 balanced classes: letters, upper and lower case together. */
        LETTERS(26, 124_800, 20_800),
        /** 10 balanced classes: digits. */
        DIGITS(10, 240_000, 40_000),
        /** 10 classes: digits, the size and balance of the original MNIST. */
        MNIST(10, 60_000, 10_000);

        private final int numClasses;
        private final int trainCount;
        private final int testCount;

        Split(int numClasses, int trainCount, int testCount) {
            this.numClasses = numClasses;
            this.trainCount = trainCount;
            this.testCount = testCount;
        }

        /**
         * Returns the number of images of the official training or test file: the most a file of
         * the split may hold (a subset may hold fewer).
         *
         * @param train {@code true} for the training file, {@code false} for the test file
         * @return the number of images
         */
        public int getOfficialCount(boolean train) {
            return train ? trainCount : testCount;
        }

        /**
         * Returns the number of classes.
         *
         * @return the number of classes
         */
        public int getNumClasses() {
            return numClasses;
        }

        /**
         * Returns the split's name in the official file names.
         *
         * @return the name, for example {@code "balanced"}
         */
        public String getFileName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Split split;
    private final boolean rawOrientation;

    private Emnist(Builder builder) {
        super(builder);
        this.split = builder.split;
        this.rawOrientation = builder.rawOrientation;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the split this dataset reads.
     *
     * @return the split
     */
    public Split getSplit() {
        return split;
    }

    /**
     * Returns the number of classes of this dataset's split.
     *
     * @return the number of classes
     */
    public int getNumClasses() {
        return split.getNumClasses();
    }

    /**
     * Returns the names of the files of one split and usage, without directory, as the archive
     * names them (images, labels, mapping).
     *
     * @param split the split
     * @param train {@code true} for the training files, {@code false} for the test files
     * @return the images file, the labels file and the mapping file names
     */
    public static List<String> fileNames(Split split, boolean train) {
        String prefix = "emnist-" + split.getFileName() + (train ? "-train" : "-test");
        return List.of(
                prefix + "-images-idx3-ubyte.gz",
                prefix + "-labels-idx1-ubyte.gz",
                "emnist-" + split.getFileName() + "-mapping.txt");
    }

    /** {@inheritDoc} */
    @Override
    ImageStore load(Progress progress) throws IOException {
        boolean train = usage != Usage.TEST;
        List<String> names = fileNames(split, train);
        List<DatasetFiles.Needed> needed = new ArrayList<>();
        for (String name : names) {
            List<Path> candidates = new ArrayList<>();
            for (Path dir : List.of(dataDir.resolve(ARCHIVE_DIR), dataDir)) {
                candidates.add(dir.resolve(name));
                if (name.endsWith(".gz")) {
                    candidates.add(dir.resolve(name.substring(0, name.length() - 3)));
                }
            }
            needed.add(
                    new DatasetFiles.Needed(
                            ARCHIVE_DIR + "/" + name,
                            candidates,
                            dataDir.resolve(ARCHIVE_DIR).resolve(name)));
        }
        String description = "EMNIST " + split.getFileName() + " (" + usage + ")";
        List<Path> paths =
                DatasetFiles.resolve(description, dataDir, needed, ARCHIVE, mirror, progress);
        Path imagesFile = paths.get(0);
        Path labelsFile = paths.get(1);
        Mapping mapping = readMapping(paths.get(2), split);

        // Sizes are checked against the official files' before anything is read or allocated:
        // the image size, and at most the official number of images and labels.
        int budget = split.getOfficialCount(train);
        try (IdxReader images = IdxReader.open(imagesFile, IdxType.UNSIGNED_BYTE, 3, budget)) {
            int[] dims = images.getDimensions();
            if (dims[1] != IMAGE_HEIGHT || dims[2] != IMAGE_WIDTH) {
                throw new DatasetFormatException(
                        Kind.BAD_DIMENSION,
                        imagesFile,
                        "EMNIST images are 28x28, this file declares " + dims[1] + "x" + dims[2]);
            }
            IdxArray rawLabels = IdxReader.readAll(labelsFile, IdxType.UNSIGNED_BYTE, 1, budget);
            byte[] allLabels = rawLabels.getData();
            int count = dims[0];
            if (count != allLabels.length) {
                throw new DatasetFormatException(
                        Kind.COUNT_MISMATCH,
                        labelsFile,
                        "holds "
                                + allLabels.length
                                + " labels but "
                                + imagesFile.getFileName()
                                + " holds "
                                + count
                                + " images");
            }
            for (int i = 0; i < count; i++) {
                int label = (allLabels[i] & 0xff) - mapping.offset;
                if (label < 0 || label >= split.getNumClasses()) {
                    throw new DatasetFormatException(
                            Kind.LABEL_OUT_OF_RANGE,
                            labelsFile,
                            "label "
                                    + (allLabels[i] & 0xff)
                                    + " of image "
                                    + i
                                    + " is outside "
                                    + mapping.offset
                                    + ".."
                                    + (mapping.offset + split.getNumClasses() - 1));
                }
            }
            RowSelection selection = selectRows(count);
            int size = selection.size();
            int rowBytes = IMAGE_HEIGHT * IMAGE_WIDTH;
            // size <= 2^31-1 and rowBytes = 784: the product fits a long; PayloadBuffers maps a
            // product above the array limit to SIZE_OVERFLOW, and allocates it all up front only
            // when the file confirms the declared size (otherwise the array grows as rows arrive)
            long pixelBytes = (long) size * rowBytes;
            byte[] pixels =
                    PayloadBuffers.allocate(imagesFile, pixelBytes, images.isSizeConfirmed());
            byte[] labels = new byte[size];
            byte[] raw = new byte[rowBytes];
            if (progress != null) {
                progress.reset("Loading " + description, size);
            }
            int next = 0;
            for (int k = 0; k < size; k++) {
                int row = selection.row(k);
                images.skipRows(row - next);
                images.readRows(raw, 0, 1);
                next = row + 1;
                int base = k * rowBytes;
                pixels = PayloadBuffers.ensure(pixels, (long) base + rowBytes, pixelBytes);
                if (rawOrientation) {
                    System.arraycopy(raw, 0, pixels, base, rowBytes);
                } else {
                    for (int y = 0; y < IMAGE_HEIGHT; y++) {
                        for (int x = 0; x < IMAGE_WIDTH; x++) {
                            pixels[base + y * IMAGE_WIDTH + x] = raw[x * IMAGE_HEIGHT + y];
                        }
                    }
                }
                labels[k] = (byte) ((allLabels[row] & 0xff) - mapping.offset);
                if (progress != null && (k & 0xfff) == 0) {
                    progress.update(k);
                }
            }
            if (size == count || limit >= count) {
                images.expectEnd();
            }
            if (progress != null) {
                progress.end();
            }
            return new ImageStore(
                    pixels, labels, size, 1, IMAGE_HEIGHT, IMAGE_WIDTH, mapping.names);
        }
    }

    /** The class names of a split and the value its label files give the first class. */
    private static final class Mapping {
        final int offset;
        final List<String> names;

        Mapping(int offset, List<String> names) {
            this.offset = offset;
            this.names = names;
        }
    }

    private static Mapping readMapping(Path file, Split split) throws IOException {
        List<String> lines = DataFileInput.readTextLines(file, 1 << 16);
        int n = split.getNumClasses();
        String[] names = new String[n];
        int offset = -1;
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            int[] values = new int[fields.length];
            try {
                for (int f = 0; f < fields.length; f++) {
                    values[f] = Integer.parseInt(fields[f]);
                }
            } catch (NumberFormatException e) {
                throw new DatasetFormatException(
                        Kind.BAD_CLASS_NAMES, file, "line " + (i + 1) + " is not numbers: " + line);
            }
            if (values.length < 2) {
                throw new DatasetFormatException(
                        Kind.BAD_CLASS_NAMES,
                        file,
                        "line " + (i + 1) + " needs a label and a character code: " + line);
            }
            if (offset < 0) {
                offset = values[0];
                if (offset != 0 && offset != 1) {
                    throw new DatasetFormatException(
                            Kind.BAD_CLASS_NAMES,
                            file,
                            "the first label is " + offset + ", expected 0 or 1");
                }
            }
            int label = values[0] - offset;
            if (label < 0 || label >= n || names[label] != null) {
                throw new DatasetFormatException(
                        Kind.BAD_CLASS_NAMES,
                        file,
                        "line "
                                + (i + 1)
                                + " holds label "
                                + values[0]
                                + ", not a new label in "
                                + offset
                                + ".."
                                + (offset + n - 1));
            }
            StringBuilder name = new StringBuilder();
            for (int f = 1; f < values.length; f++) {
                if (!Character.isValidCodePoint(values[f])) {
                    throw new DatasetFormatException(
                            Kind.BAD_CLASS_NAMES,
                            file,
                            "line " + (i + 1) + " holds the invalid character code " + values[f]);
                }
                name.appendCodePoint(values[f]);
            }
            names[label] = name.toString();
            seen++;
        }
        if (seen != n) {
            throw new DatasetFormatException(
                    Kind.BAD_CLASS_NAMES,
                    file,
                    "the " + split + " split has " + n + " classes, the file maps " + seen);
        }
        return new Mapping(offset, List.of(names));
    }

    /** A builder for {@link Emnist}. */
    public static final class Builder extends CompactImageDatasetBuilder<Builder> {

        Split split = Split.BALANCED;
        boolean rawOrientation;

        Builder() {
            super(
                    Utils.getCacheDir().resolve("datasets").resolve("emnist"),
                    NORMALIZE_MEAN,
                    NORMALIZE_STD);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the split to read (BALANCED by default).
         *
         * @param split the split
         * @return this builder
         */
        public Builder optSplit(Split split) {
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * Keeps the images in the transposed orientation the files store them in, instead of
         * returning them upright (the default).
         *
         * @param rawOrientation {@code true} to keep the raw, transposed orientation
         * @return this builder
         */
        public Builder optRawOrientation(boolean rawOrientation) {
            this.rawOrientation = rawOrientation;
            return this;
        }

        /**
         * Builds the dataset; call {@code prepare} on it before use.
         *
         * @return a new dataset
         */
        public Emnist build() {
            return new Emnist(this);
        }
    }
}
