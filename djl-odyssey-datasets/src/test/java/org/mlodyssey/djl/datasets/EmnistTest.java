/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.gzip;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.idxU8;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.write;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlodyssey.djl.datasets.download.MissingDatasetFilesException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;

/** Emnist on generated files in the official formats: every split, both orientations. */
class EmnistTest {

    private static NDManager manager;

    @TempDir Path dir;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    /** The images of a dataset as [0,1] floats and its labels, read through its batches. */
    static final class Content {
        final List<float[]> images = new ArrayList<>();
        final List<Integer> labels = new ArrayList<>();
    }

    static Content readBatches(CompactImageDataset dataset, int expectedBatchSize)
            throws Exception {
        return readBatches(manager, dataset, expectedBatchSize);
    }

    static Content readBatches(
            NDManager manager, CompactImageDataset dataset, int expectedBatchSize)
            throws Exception {
        Content c = new Content();
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                NDArray data = batch.getData().singletonOrThrow();
                NDArray labels = batch.getLabels().singletonOrThrow();
                assertEquals(DataType.FLOAT32, data.getDataType());
                assertEquals(DataType.FLOAT32, labels.getDataType());
                assertTrue(batch.getSize() <= expectedBatchSize);
                long n = data.getShape().get(0);
                int per = (int) (data.size() / n);
                float[] all = data.toFloatArray();
                float[] lab = labels.toFloatArray();
                for (int i = 0; i < n; i++) {
                    float[] img = new float[per];
                    System.arraycopy(all, i * per, img, 0, per);
                    c.images.add(img);
                    c.labels.add((int) lab[i]);
                }
            }
        }
        return c;
    }

    private static Emnist.Builder unnormalized(Path dataDir, Emnist.Split split) {
        return Emnist.builder()
                .optDataDir(dataDir)
                .optSplit(split)
                .optNormalize(false)
                .setSampling(4, false);
    }

    @ParameterizedTest
    @EnumSource(Emnist.Split.class)
    void everySplitReadsUprightImagesWithZeroBasedLabels(Emnist.Split split) throws Exception {
        EmnistFixture train =
                EmnistFixture.write(dir, split, true, 11, EmnistFixture.Layout.GZIP_SUBDIR);
        EmnistFixture test =
                EmnistFixture.write(dir, split, false, 6, EmnistFixture.Layout.GZIP_SUBDIR);
        for (EmnistFixture f : List.of(train, test)) {
            Emnist emnist =
                    unnormalized(dir, split)
                            .optUsage(f == train ? Usage.TRAIN : Usage.TEST)
                            .build();
            emnist.prepare();
            assertEquals(f.count, emnist.size());
            assertEquals(f.classNames, emnist.getClassNames());
            assertEquals(split.getNumClasses(), emnist.getNumClasses());
            Content c = readBatches(emnist, 4);
            assertEquals(f.count, c.images.size());
            for (int i = 0; i < f.count; i++) {
                assertEquals(f.labels[i], c.labels.get(i));
                assertTrue(c.labels.get(i) >= 0 && c.labels.get(i) < split.getNumClasses());
                float[] img = c.images.get(i);
                assertEquals(784, img.length);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        // the file stores the image transposed: upright (y, x) is raw (x, y)
                        int expected = f.raw[i * 784 + x * 28 + y] & 0xff;
                        assertEquals(expected, Math.round(img[y * 28 + x] * 255));
                    }
                }
            }
        }
        if (split == Emnist.Split.LETTERS) {
            assertEquals("Aa", EmnistFixture.classNames(split).get(0));
        }
    }

    @Test
    void rawOrientationKeepsTheFileLayout() throws Exception {
        EmnistFixture f =
                EmnistFixture.write(
                        dir, Emnist.Split.DIGITS, true, 5, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist emnist = unnormalized(dir, Emnist.Split.DIGITS).optRawOrientation(true).build();
        Content c = readBatches(emnist, 4);
        for (int i = 0; i < f.count; i++) {
            for (int q = 0; q < 784; q++) {
                assertEquals(f.raw[i * 784 + q] & 0xff, Math.round(c.images.get(i)[q] * 255));
            }
        }
    }

    @Test
    void readsEveryLayoutOfTheOfficialFiles() throws Exception {
        for (EmnistFixture.Layout layout : EmnistFixture.Layout.values()) {
            Path d = dir.resolve(layout.name());
            EmnistFixture f = EmnistFixture.write(d, Emnist.Split.MNIST, false, 7, layout);
            Emnist emnist = unnormalized(d, Emnist.Split.MNIST).optUsage(Usage.TEST).build();
            Content c = readBatches(emnist, 4);
            assertEquals(f.count, c.labels.size(), layout.toString());
            for (int i = 0; i < f.count; i++) {
                assertEquals(i, EmnistFixture.imageId(c.images.get(i), 0), layout.toString());
            }
            if (layout == EmnistFixture.Layout.ZIP) {
                assertTrue(
                        Files.isRegularFile(
                                d.resolve("gzip/emnist-mnist-test-images-idx3-ubyte.gz")),
                        "the needed members are extracted next to the archive");
            }
        }
    }

    @Test
    void normalizesWithMeanAndStdOnTheEngine() throws Exception {
        EmnistFixture f =
                EmnistFixture.write(
                        dir, Emnist.Split.DIGITS, true, 3, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist emnist =
                Emnist.builder()
                        .optDataDir(dir)
                        .optSplit(Emnist.Split.DIGITS)
                        .setSampling(3, false)
                        .build();
        Batch batch = emnist.getData(manager).iterator().next();
        NDArray data = batch.getData().singletonOrThrow();
        assertEquals(new Shape(3, 1, 28, 28), data.getShape());
        float[] v = data.toFloatArray();
        int raw = f.raw[2 * 784 + 5 * 28 + 3] & 0xff; // upright (y=3, x=5) of image 2
        float expected = (raw / 255f - Emnist.NORMALIZE_MEAN[0]) / Emnist.NORMALIZE_STD[0];
        assertEquals(expected, v[2 * 784 + 3 * 28 + 5], 1e-4);
        batch.close();
    }

    @Test
    void getReturnsOneNormalizedImage() throws Exception {
        EmnistFixture f =
                EmnistFixture.write(
                        dir, Emnist.Split.BALANCED, true, 4, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist emnist = unnormalized(dir, Emnist.Split.BALANCED).build();
        emnist.prepare();
        try (NDManager m = manager.newSubManager()) {
            Record r = emnist.get(m, 3);
            assertEquals(new Shape(1, 28, 28), r.getData().singletonOrThrow().getShape());
            assertEquals(
                    3, EmnistFixture.imageId(r.getData().singletonOrThrow().toFloatArray(), 0));
            assertEquals(f.labels[3], (int) r.getLabels().singletonOrThrow().getFloat());
            assertEquals(f.labels[3], emnist.getLabel(3));
        }
    }

    @Test
    void storesOneByteArrayOfPixelsAndPrepareIsIdempotent() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.BYCLASS, true, 9, EmnistFixture.Layout.GZIP_SUBDIR);
        Emnist emnist = unnormalized(dir, Emnist.Split.BYCLASS).build();
        emnist.prepare();
        assertEquals(9L * 784 + 9, emnist.getStoredBytes());
        // a second prepare reads nothing: the files may even be gone
        for (Path p : Files.list(dir.resolve("gzip")).toArray(Path[]::new)) {
            Files.delete(p);
        }
        emnist.prepare();
        assertEquals(9, emnist.size());
    }

    @Test
    void limitKeepsTheFirstImages() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 10, EmnistFixture.Layout.FLAT_GZ);
        Emnist emnist = unnormalized(dir, Emnist.Split.DIGITS).optLimit(6).build();
        Content c = readBatches(emnist, 4);
        assertEquals(6, c.images.size());
        assertEquals(6L * 784 + 6, emnist.getStoredBytes());
        for (int i = 0; i < 6; i++) {
            assertEquals(i, EmnistFixture.imageId(c.images.get(i), 0));
        }
    }

    @Test
    void validationSplitIsDeterministicDisjointAndReadInOrder() throws Exception {
        EmnistFixture f =
                EmnistFixture.write(
                        dir, Emnist.Split.DIGITS, true, 40, EmnistFixture.Layout.FLAT_GZ);
        Emnist train = unnormalized(dir, Emnist.Split.DIGITS).optValidationSplit(10, 7).build();
        Emnist val =
                unnormalized(dir, Emnist.Split.DIGITS)
                        .optValidationSplit(10, 7)
                        .optUsage(Usage.VALIDATION)
                        .build();
        Content t = readBatches(train, 4);
        Content v = readBatches(val, 4);
        assertEquals(30, t.images.size());
        assertEquals(10, v.images.size());
        List<Integer> valIds = ids(v);
        List<Integer> trainIds = ids(t);
        Set<Integer> all = new HashSet<>(valIds);
        all.addAll(trainIds);
        assertEquals(40, all.size(), "disjoint, and together the whole training file");
        for (List<Integer> part : List.of(valIds, trainIds)) {
            for (int i = 1; i < part.size(); i++) {
                assertTrue(part.get(i - 1) < part.get(i), "in-order iteration is file order");
            }
        }
        for (int i = 0; i < v.images.size(); i++) {
            assertEquals(f.labels[valIds.get(i)], v.labels.get(i), "labels follow their images");
        }
        assertNotEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), valIds, "not the first rows");
        Emnist again =
                unnormalized(dir, Emnist.Split.DIGITS)
                        .optValidationSplit(10, 7)
                        .optUsage(Usage.VALIDATION)
                        .build();
        assertEquals(valIds, ids(readBatches(again, 4)));
        Emnist otherSeed =
                unnormalized(dir, Emnist.Split.DIGITS)
                        .optValidationSplit(10, 8)
                        .optUsage(Usage.VALIDATION)
                        .build();
        assertNotEquals(valIds, ids(readBatches(otherSeed, 4)));
    }

    private static List<Integer> ids(Content c) {
        List<Integer> ids = new ArrayList<>();
        for (float[] img : c.images) {
            ids.add(EmnistFixture.imageId(img, 0));
        }
        return ids;
    }

    @Test
    void shuffleIsDeterministicPerSeedAndEpoch() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 30, EmnistFixture.Layout.FLAT_GZ);
        Emnist a = unnormalized(dir, Emnist.Split.DIGITS).setSampling(8, true).optSeed(5).build();
        List<Integer> epoch0 = ids(readBatches(a, 8));
        List<Integer> epoch1 = ids(readBatches(a, 8));
        assertEquals(2, a.getEpoch());
        assertEquals(30, new HashSet<>(epoch0).size(), "a permutation");
        assertNotEquals(epoch0, epoch1, "each epoch has its own order");
        Emnist b = unnormalized(dir, Emnist.Split.DIGITS).setSampling(8, true).optSeed(5).build();
        b.setEpoch(1);
        assertEquals(epoch1, ids(readBatches(b, 8)), "setEpoch resumes the order exactly");
        Emnist c = unnormalized(dir, Emnist.Split.DIGITS).setSampling(8, true).optSeed(6).build();
        assertNotEquals(epoch0, ids(readBatches(c, 8)));
    }

    @Test
    void offlineWithoutFilesSaysWhatToPutWhere() {
        String key = "ai.djl.offline";
        String old = System.getProperty(key);
        System.setProperty(key, "true");
        try {
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    ai.djl.util.Utils.isOfflineMode(), "DJL_OFFLINE in the environment wins");
            Emnist emnist = unnormalized(dir, Emnist.Split.LETTERS).build();
            MissingDatasetFilesException e =
                    assertThrows(MissingDatasetFilesException.class, emnist::prepare);
            String m = e.getMessage();
            assertTrue(m.contains(dir.resolve("gzip.zip").toAbsolutePath().toString()), m);
            assertTrue(m.contains("https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"), m);
            assertTrue(m.contains("58c8d27c78d21e728a6bc7b3cc06412e"), m);
            assertTrue(
                    m.contains(
                            dir.resolve("gzip/emnist-letters-train-images-idx3-ubyte.gz")
                                    .toAbsolutePath()
                                    .toString()),
                    m);
            assertTrue(m.contains("emnist-letters-train-labels-idx1-ubyte.gz"), m);
            assertTrue(m.contains("emnist-letters-mapping.txt"), m);
        } finally {
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }

    // ---- malformed files: one assertThrows each ----

    private DatasetFormatException prepareFails(Emnist.Split split) {
        Emnist emnist = unnormalized(dir, split).build();
        return assertThrows(DatasetFormatException.class, emnist::prepare);
    }

    private Path gzipDir() {
        return dir.resolve("gzip");
    }

    @Test
    void imageAndLabelCountMismatch() {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 6, EmnistFixture.Layout.GZIP_SUBDIR);
        Path labels = gzipDir().resolve("emnist-digits-train-labels-idx1-ubyte.gz");
        write(labels, gzip(idxU8(new byte[5], 5)));
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.COUNT_MISMATCH, e.getKind());
        assertEquals(labels, e.getFile());
    }

    @Test
    void labelOutOfRange() {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 6, EmnistFixture.Layout.GZIP_SUBDIR);
        Path labels = gzipDir().resolve("emnist-digits-train-labels-idx1-ubyte.gz");
        write(labels, gzip(idxU8(new byte[] {0, 1, 2, 10, 3, 4}, 6)));
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.LABEL_OUT_OF_RANGE, e.getKind());
        assertEquals(labels, e.getFile());
    }

    @Test
    void lettersLabelZeroIsOutOfRange() {
        EmnistFixture.write(dir, Emnist.Split.LETTERS, true, 3, EmnistFixture.Layout.GZIP_SUBDIR);
        Path labels = gzipDir().resolve("emnist-letters-train-labels-idx1-ubyte.gz");
        write(labels, gzip(idxU8(new byte[] {1, 0, 26}, 3)));
        assertEquals(Kind.LABEL_OUT_OF_RANGE, prepareFails(Emnist.Split.LETTERS).getKind());
    }

    @Test
    void imagesThatAreNot28x28() {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 2, EmnistFixture.Layout.GZIP_SUBDIR);
        Path images = gzipDir().resolve("emnist-digits-train-images-idx3-ubyte.gz");
        write(images, gzip(idxU8(new byte[2 * 32 * 32], 2, 32, 32)));
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.BAD_DIMENSION, e.getKind());
        assertEquals(images, e.getFile());
    }

    @Test
    void truncatedImagesFile() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 20, EmnistFixture.Layout.GZIP_SUBDIR);
        Path images = gzipDir().resolve("emnist-digits-train-images-idx3-ubyte.gz");
        byte[] gz = Files.readAllBytes(images);
        write(images, java.util.Arrays.copyOf(gz, gz.length - 40));
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.TRUNCATED_GZIP, e.getKind());
        assertEquals(images, e.getFile());
    }

    @Test
    void mappingWithTooFewClasses() {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 2, EmnistFixture.Layout.GZIP_SUBDIR);
        Path mapping = gzipDir().resolve("emnist-digits-mapping.txt");
        write(mapping, "0 48\n1 49\n".getBytes(StandardCharsets.US_ASCII));
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.BAD_CLASS_NAMES, e.getKind());
        assertEquals(mapping, e.getFile());
    }

    @Test
    void mappingWithGarbage() {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 2, EmnistFixture.Layout.GZIP_SUBDIR);
        write(
                gzipDir().resolve("emnist-digits-mapping.txt"),
                "0 48\nzero 49\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Kind.BAD_CLASS_NAMES, prepareFails(Emnist.Split.DIGITS).getKind());
    }

    @Test
    void archiveWithoutTheSplit() {
        write(
                dir.resolve("gzip.zip"),
                org.mlodyssey.djl.datasets.fixtures.FormatFixtures.zip(
                        java.util.Map.of("gzip/readme.txt", new byte[] {1})));
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.BAD_ARCHIVE, e.getKind());
        assertEquals(dir.resolve("gzip.zip"), e.getFile());
    }

    @Test
    void validationUsageNeedsASplit() {
        assertThrows(
                IllegalArgumentException.class,
                () -> unnormalized(dir, Emnist.Split.DIGITS).optUsage(Usage.VALIDATION).build());
    }

    @Test
    void batchesKeepEveryImageOnceWithDropLastOff() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 10, EmnistFixture.Layout.FLAT_PLAIN);
        Emnist emnist = unnormalized(dir, Emnist.Split.DIGITS).setSampling(4, true, true).build();
        Content c = readBatches(emnist, 4);
        assertEquals(8, c.images.size(), "the incomplete last batch is dropped");
        assertArrayEquals(
                new int[] {8}, new int[] {new HashSet<>(ids(c)).size()}, "no image repeats");
    }

    @Test
    void heldBatchesStayIntactWhileLaterBatchesAreBuilt() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 12, EmnistFixture.Layout.FLAT_GZ);
        Emnist emnist = unnormalized(dir, Emnist.Split.DIGITS).setSampling(4, false).build();
        List<Batch> held = new ArrayList<>();
        // next() only: the epoch's end (hasNext() false) would close the epoch's batches
        java.util.Iterator<Batch> it = emnist.getData(manager).iterator();
        for (int b = 0; b < 3; b++) {
            held.add(it.next()); // not closed: the next batch reuses the gather buffer
        }
        assertEquals(3, held.size());
        for (int b = 0; b < 3; b++) {
            float[] data = held.get(b).getData().singletonOrThrow().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(b * 4 + i, EmnistFixture.imageId(data, i * 784));
            }
            assertEquals(
                    List.of(4L * b, 4L * b + 1, 4L * b + 2, 4L * b + 3), held.get(b).getIndices());
            held.get(b).close();
        }
    }

    @Test
    void customSamplerIsUsedAsItIs() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 10, EmnistFixture.Layout.FLAT_GZ);
        Emnist emnist =
                unnormalized(dir, Emnist.Split.DIGITS)
                        .setSampling(new BatchSampler(new SequenceSampler(), 3, false))
                        .build();
        Content c = readBatches(emnist, 3);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ids(c));
        Content viaArgument = new Content();
        for (Batch batch :
                emnist.getData(manager, new BatchSampler(new SequenceSampler(), 4, true))) {
            try (batch) {
                assertEquals(4, batch.getSize());
                viaArgument.labels.add(batch.getSize());
            }
        }
        assertEquals(2, viaArgument.labels.size(), "the sampler given to getData wins");
    }

    @Test
    void djlRandomSplitOfThisDatasetReadsTheRightRows() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 20, EmnistFixture.Layout.FLAT_GZ);
        Emnist emnist = unnormalized(dir, Emnist.Split.DIGITS).setSampling(20, false).build();
        RandomAccessDataset[] parts = emnist.randomSplit(3, 1);
        Set<Integer> seen = new HashSet<>();
        for (RandomAccessDataset part : parts) {
            List<Integer> expected = new ArrayList<>();
            try (NDManager m = manager.newSubManager()) {
                for (int i = 0; i < part.size(); i++) {
                    float[] img = part.get(m, i).getData().singletonOrThrow().toFloatArray();
                    expected.add(EmnistFixture.imageId(img, 0));
                }
            }
            List<Integer> iterated = new ArrayList<>();
            for (Batch batch : part.getData(manager)) {
                try (batch) {
                    float[] data = batch.getData().singletonOrThrow().toFloatArray();
                    for (int i = 0; i < batch.getSize(); i++) {
                        iterated.add(EmnistFixture.imageId(data, i * 784));
                    }
                }
            }
            assertEquals(expected, iterated, "a DJL split iterates its own rows");
            seen.addAll(iterated);
        }
        assertEquals(20, seen.size());
    }

    /** The bytes the current thread has allocated on the heap so far. */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    /** Writes DIGITS train files whose headers claim {@code claimed} images over real pixels. */
    private Path writeLyingImages(int claimed, int pixelBytes, boolean gzipped) {
        EmnistFixture.write(dir, Emnist.Split.DIGITS, true, 2, EmnistFixture.Layout.GZIP_SUBDIR);
        // the labels are real: `claimed` zero bytes (a few KB compressed)
        write(
                gzipDir().resolve("emnist-digits-train-labels-idx1-ubyte.gz"),
                gzip(idxU8(new byte[claimed], claimed)));
        byte[] pixels = new byte[pixelBytes];
        new Random(3).nextBytes(pixels); // incompressible
        byte[] idx = idxU8(pixels, claimed, 28, 28);
        Path images = gzipDir().resolve("emnist-digits-train-images-idx3-ubyte.gz");
        return write(images, gzipped ? gzip(idx) : idx);
    }

    @Test
    void gzipImagesClaimingMillionsAllocateOnlyWhatArrives() {
        // 2.1M images (1.65 GB) claimed by 1.7 MB of deflate data: within the deflate ratio
        // bound, but more than the 240,000 of the official DIGITS file, so nothing is
        // decompressed or allocated from the claim.
        Path images = writeLyingImages(2_100_000, 1_700_000, true);
        long before = allocatedBytes();
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        long allocated = allocatedBytes() - before;
        assertEquals(Kind.BAD_DIMENSION, e.getKind());
        assertTrue(e.getMessage().contains("240000 of the official file"), e.getMessage());
        assertEquals(images, e.getFile());
        assertTrue(allocated < 128L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void gzipImagesWhoseClaimOverflowsAnArrayFailWithATypedError() {
        // 2.74M images x 784 bytes > 2^31: a typed error, not an ArithmeticException
        Path images = writeLyingImages(2_740_000, 2_100_000, true);
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.BAD_DIMENSION, e.getKind());
        assertEquals(images, e.getFile());
    }

    @Test
    void plainImagesClaimingMoreThanTheyHoldFailBeforeAllocating() throws Exception {
        Path images = writeLyingImages(2_100_000, 1_700_000, false);
        Path plain = gzipDir().resolve("emnist-digits-train-images-idx3-ubyte");
        Files.move(images, plain);
        long before = allocatedBytes();
        DatasetFormatException e = prepareFails(Emnist.Split.DIGITS);
        assertEquals(Kind.TOO_LITTLE_DATA, e.getKind());
        assertEquals(plain, e.getFile());
        assertTrue(allocatedBytes() - before < 128L << 20);
    }
}
