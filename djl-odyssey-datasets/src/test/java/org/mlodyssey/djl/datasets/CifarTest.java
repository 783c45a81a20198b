/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.write;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset.Usage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.fixtures.FormatFixtures;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;

/** Cifar10 and Cifar100 on generated files in the official binary formats. */
class CifarTest {

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

    private static EmnistTest.Content read(CompactImageDataset d) throws Exception {
        return EmnistTest.readBatches(manager, d, Integer.MAX_VALUE);
    }

    private static int id(float[] image) {
        return Math.round(image[0] * 255);
    }

    private static List<Integer> ids(EmnistTest.Content c) {
        List<Integer> ids = new ArrayList<>();
        for (float[] img : c.images) {
            ids.add(id(img));
        }
        return ids;
    }

    private static void assertImage(int id, float[] actual) {
        byte[] expected = CifarFixture.image(id);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i] & 0xff, Math.round(actual[i] * 255), "pixel " + i);
        }
    }

    private Cifar10.Builder cifar10() {
        return Cifar10.builder()
                .optCheckRecordCounts(false)
                .optDataDir(dir)
                .optNormalize(false)
                .setSampling(4, false);
    }

    @Test
    void cifar10ReadsTheFiveTrainingBatchesInOrder() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(3, 4));
        Cifar10 train = cifar10().build();
        EmnistTest.Content c = read(train);
        assertEquals(15, c.images.size());
        assertEquals(CifarFixture.names("class", 10), train.getClassNames());
        for (int i = 0; i < 15; i++) {
            assertImage(i, c.images.get(i));
            assertEquals(CifarFixture.label10(i), c.labels.get(i));
        }
        assertEquals(15L * 3072 + 15, train.getStoredBytes());
        Cifar10 test = cifar10().optUsage(Usage.TEST).build();
        EmnistTest.Content t = read(test);
        assertEquals(4, t.images.size());
        for (int i = 0; i < 4; i++) {
            assertImage(200 + i, t.images.get(i));
            assertEquals(CifarFixture.label10(200 + i), t.labels.get(i));
        }
    }

    @Test
    void cifar10ReadsTheOfficialArchive() throws Exception {
        write(
                dir.resolve("cifar-10-binary.tar.gz"),
                FormatFixtures.tarGz(CifarFixture.cifar10Members(2, 3)));
        Cifar10 test = cifar10().optUsage(Usage.TEST).build();
        assertEquals(List.of(200, 201, 202), ids(read(test)));
        assertTrue(Files.isRegularFile(dir.resolve("cifar-10-batches-bin/test_batch.bin")));
        assertEquals(10, ids(read(cifar10().build())).size());
    }

    @Test
    void cifar10ReadsFilesPutDirectlyInTheDataDirectory() throws Exception {
        CifarFixture.cifar10Members(2, 3)
                .forEach((n, b) -> write(dir.resolve(n.substring(n.indexOf('/') + 1)), b));
        assertEquals(List.of(200, 201, 202), ids(read(cifar10().optUsage(Usage.TEST).build())));
    }

    @Test
    void normalizesEachChannelOnTheEngine() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(1, 2));
        Cifar10 test =
                Cifar10.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optUsage(Usage.TEST)
                        .setSampling(2, false)
                        .build();
        try (Batch batch = test.getData(manager).iterator().next()) {
            NDArray data = batch.getData().singletonOrThrow();
            assertEquals(new Shape(2, 3, 32, 32), data.getShape());
            float[] v = data.toFloatArray();
            byte[] img = CifarFixture.image(201);
            for (int c = 0; c < 3; c++) {
                int p = c * 1024 + 7 * 32 + 9;
                float expected =
                        ((img[p] & 0xff) / 255f - Cifar10.NORMALIZE_MEAN[c])
                                / Cifar10.NORMALIZE_STD[c];
                assertEquals(expected, v[3072 + p], 1e-4, "channel " + c);
            }
        }
    }

    @Test
    void cifar100GivesFineOrCoarseLabelsAndNames() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar100Members(9, 5));
        for (Cifar100.Labels labels : Cifar100.Labels.values()) {
            for (Usage usage : List.of(Usage.TRAIN, Usage.TEST)) {
                Cifar100 d =
                        Cifar100.builder()
                                .optCheckRecordCounts(false)
                                .optDataDir(dir)
                                .optNormalize(false)
                                .optLabels(labels)
                                .optUsage(usage)
                                .setSampling(4, false)
                                .build();
                EmnistTest.Content c = read(d);
                int first = usage == Usage.TEST ? 200 : 0;
                assertEquals(usage == Usage.TEST ? 5 : 9, c.images.size());
                boolean fine = labels == Cifar100.Labels.FINE;
                assertEquals(fine ? 100 : 20, d.getNumClasses());
                assertEquals(
                        CifarFixture.names(fine ? "fine" : "coarse", fine ? 100 : 20),
                        d.getClassNames());
                for (int i = 0; i < c.images.size(); i++) {
                    assertImage(first + i, c.images.get(i));
                    int expected =
                            fine
                                    ? CifarFixture.fineLabel(first + i)
                                    : CifarFixture.coarseLabel(first + i);
                    assertEquals(expected, c.labels.get(i));
                }
            }
        }
    }

    @Test
    void cifar100ReadsTheOfficialArchive() throws Exception {
        write(
                dir.resolve("cifar-100-binary.tar.gz"),
                FormatFixtures.tarGz(CifarFixture.cifar100Members(4, 2)));
        Cifar100 d =
                Cifar100.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optNormalize(false)
                        .optUsage(Usage.TEST)
                        .setSampling(4, false)
                        .build();
        assertEquals(List.of(200, 201), ids(read(d)));
    }

    @Test
    void validationSplitSpansTheBatchFilesInOrder() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(4, 1));
        List<Integer> val =
                ids(read(cifar10().optValidationSplit(6, 3).optUsage(Usage.VALIDATION).build()));
        List<Integer> train = ids(read(cifar10().optValidationSplit(6, 3).build()));
        assertEquals(6, val.size());
        assertEquals(14, train.size());
        HashSet<Integer> all = new HashSet<>(val);
        all.addAll(train);
        assertEquals(20, all.size());
        List<Integer> sorted = new ArrayList<>(val);
        sorted.sort(null);
        assertEquals(sorted, val, "in-order iteration gives the split's rows in file order");
    }

    /** The reference augmentation: zero-pad by 4, crop at (4+dy, 4+dx), then flip if asked. */
    private static byte[] reference(byte[] src, int dy, int dx, boolean flip) {
        byte[] out = new byte[3072];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int cx = flip ? 31 - x : x;
                    int sy = y + dy;
                    int sx = cx + dx;
                    if (sy >= 0 && sy < 32 && sx >= 0 && sx < 32) {
                        out[c * 1024 + y * 32 + x] = src[c * 1024 + sy * 32 + sx];
                    }
                }
            }
        }
        return out;
    }

    /** Returns the (dy, dx, flip) that produced {@code actual} from image {@code id}, or null. */
    private static int[] findTransform(int id, float[] actual) {
        byte[] src = CifarFixture.image(id);
        byte[] got = new byte[3072];
        for (int i = 0; i < 3072; i++) {
            got[i] = (byte) Math.round(actual[i] * 255);
        }
        for (int flip = 0; flip < 2; flip++) {
            for (int dy = -4; dy <= 4; dy++) {
                for (int dx = -4; dx <= 4; dx++) {
                    if (Arrays.equals(reference(src, dy, dx, flip == 1), got)) {
                        return new int[] {dy, dx, flip};
                    }
                }
            }
        }
        return null;
    }

    @Test
    void augmentationIsPaddedCropAndFlipDeterministicPerSeedAndEpoch() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(8, 1));
        Cifar10 a = cifar10().optAugmentation(true).optSeed(11).setSampling(8, false).build();
        EmnistTest.Content e0 = read(a);
        EmnistTest.Content e1 = read(a);
        List<int[]> transforms = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int[] t = findTransform(i, e0.images.get(i));
            assertTrue(t != null, "image " + i + " is a padded crop, maybe flipped, of itself");
            transforms.add(t);
        }
        assertTrue(transforms.stream().anyMatch(t -> t[2] == 1), "some images are flipped");
        assertTrue(transforms.stream().anyMatch(t -> t[2] == 0), "some are not");
        assertTrue(transforms.stream().anyMatch(t -> t[0] != 0 || t[1] != 0), "some shift");
        assertTrue(
                transforms.stream().map(t -> t[0] * 100 + t[1]).distinct().count() > 5,
                "offsets vary");
        boolean differs = false;
        for (int i = 0; i < 40; i++) {
            assertTrue(findTransform(i, e1.images.get(i)) != null);
            differs |= !Arrays.equals(e0.images.get(i), e1.images.get(i));
        }
        assertTrue(differs, "epoch 1 draws other augmentations than epoch 0");

        Cifar10 b = cifar10().optAugmentation(true).optSeed(11).setSampling(8, false).build();
        b.setEpoch(1);
        EmnistTest.Content b1 = read(b);
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(e1.images.get(i), b1.images.get(i), "same seed and epoch");
        }
        Cifar10 shuffled = cifar10().optAugmentation(true).optSeed(11).setSampling(5, true).build();
        shuffled.setEpoch(1);
        EmnistTest.Content s1 = read(shuffled);
        assertEquals(40, s1.images.size());
        for (int i = 0; i < 40; i++) {
            float[] img = s1.images.get(i);
            assertTrue(
                    e1.images.stream().anyMatch(x -> Arrays.equals(x, img)),
                    "an image's augmentation does not depend on its batch or position");
        }
        Cifar10 plain = cifar10().setSampling(8, false).build();
        EmnistTest.Content p = read(plain);
        for (int i = 0; i < 40; i++) {
            assertImage(i, p.images.get(i));
        }
    }

    // ---- malformed files: one assertThrows each ----

    private DatasetFormatException cifar10Fails(Usage usage) {
        Cifar10 d = cifar10().optUsage(usage).build();
        return assertThrows(DatasetFormatException.class, d::prepare);
    }

    @Test
    void batchFileNotAWholeNumberOfRecords() {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 2));
        Path test = dir.resolve("cifar-10-batches-bin/test_batch.bin");
        write(test, Arrays.copyOf(CifarFixture.cifar10Batch(200, 2), 2 * 3073 - 1));
        DatasetFormatException e = cifar10Fails(Usage.TEST);
        assertEquals(Kind.BAD_RECORD_SIZE, e.getKind());
        assertEquals(test, e.getFile());
    }

    @Test
    void emptyBatchFile() {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 2));
        write(dir.resolve("cifar-10-batches-bin/test_batch.bin"), new byte[0]);
        assertEquals(Kind.BAD_RECORD_SIZE, cifar10Fails(Usage.TEST).getKind());
    }

    @Test
    void cifar10LabelOutOfRange() {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 2));
        byte[] b = CifarFixture.cifar10Batch(0, 2);
        b[3073] = 10;
        Path file = dir.resolve("cifar-10-batches-bin/data_batch_4.bin");
        write(file, b);
        DatasetFormatException e = cifar10Fails(Usage.TRAIN);
        assertEquals(Kind.LABEL_OUT_OF_RANGE, e.getKind());
        assertEquals(file, e.getFile());
    }

    @Test
    void cifar100FineLabelOutOfRange() {
        CifarFixture.extract(dir, CifarFixture.cifar100Members(2, 2));
        byte[] b = CifarFixture.cifar100File(0, 2);
        b[1] = 100;
        write(dir.resolve("cifar-100-binary/train.bin"), b);
        Cifar100 d =
                Cifar100.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .setSampling(2, false)
                        .build();
        assertEquals(
                Kind.LABEL_OUT_OF_RANGE,
                assertThrows(DatasetFormatException.class, d::prepare).getKind());
    }

    @Test
    void cifar100CoarseLabelOutOfRangeEvenWhenReadingFineLabels() {
        CifarFixture.extract(dir, CifarFixture.cifar100Members(2, 2));
        byte[] b = CifarFixture.cifar100File(0, 2);
        b[3074] = 20;
        write(dir.resolve("cifar-100-binary/train.bin"), b);
        Cifar100 d =
                Cifar100.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .setSampling(2, false)
                        .build();
        assertEquals(
                Kind.LABEL_OUT_OF_RANGE,
                assertThrows(DatasetFormatException.class, d::prepare).getKind());
    }

    @Test
    void wrongNumberOfClassNames() {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 2));
        Path meta = dir.resolve("cifar-10-batches-bin/batches.meta.txt");
        write(meta, CifarFixture.lines(CifarFixture.names("c", 9)));
        DatasetFormatException e = cifar10Fails(Usage.TEST);
        assertEquals(Kind.BAD_CLASS_NAMES, e.getKind());
        assertEquals(meta, e.getFile());
    }

    @Test
    void archiveWithoutANeededMember() {
        Map<String, byte[]> members = CifarFixture.cifar10Members(2, 2);
        members.remove("cifar-10-batches-bin/test_batch.bin");
        Path archive = write(dir.resolve("cifar-10-binary.tar.gz"), FormatFixtures.tarGz(members));
        DatasetFormatException e = cifar10Fails(Usage.TEST);
        assertEquals(Kind.BAD_ARCHIVE, e.getKind());
        assertEquals(archive, e.getFile());
    }

    @Test
    void archiveWithACorruptTarHeader() {
        byte[] tar = gunzip(FormatFixtures.tarGz(CifarFixture.cifar10Members(2, 2)));
        tar[10] ^= 0x20; // a byte of the first member's name: the header checksum no longer holds
        write(dir.resolve("cifar-10-binary.tar.gz"), FormatFixtures.gzip(tar));
        assertEquals(Kind.BAD_ARCHIVE, cifar10Fails(Usage.TEST).getKind());
    }

    @Test
    void truncatedArchive() {
        byte[] tgz = FormatFixtures.tarGz(CifarFixture.cifar10Members(2, 2));
        write(dir.resolve("cifar-10-binary.tar.gz"), Arrays.copyOf(tgz, tgz.length / 2));
        assertEquals(Kind.TRUNCATED_GZIP, cifar10Fails(Usage.TEST).getKind());
    }

    private static byte[] gunzip(byte[] gz) {
        try (java.util.zip.GZIPInputStream in =
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void cifar10BatchFileCutAtARecordBoundaryFailsByDefault() {
        // 2 records under the official name: a whole number of records, but not the official 10,000
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 2));
        Cifar10 d =
                Cifar10.builder()
                        .optDataDir(dir)
                        .optUsage(Usage.TEST)
                        .setSampling(2, false)
                        .build();
        DatasetFormatException e = assertThrows(DatasetFormatException.class, d::prepare);
        assertEquals(Kind.TOO_LITTLE_DATA, e.getKind());
        assertEquals(dir.resolve("cifar-10-batches-bin/test_batch.bin"), e.getFile());
        assertTrue(e.getMessage().contains("10000"), e.getMessage());
    }

    @Test
    void cifar10BatchFileWithTheOfficialCountIsAccepted() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(2, 2));
        write(
                dir.resolve("cifar-10-batches-bin/test_batch.bin"),
                CifarFixture.cifar10Batch(0, Cifar10.RECORDS_PER_BATCH));
        Cifar10 d =
                Cifar10.builder()
                        .optDataDir(dir)
                        .optUsage(Usage.TEST)
                        .setSampling(100, false)
                        .build();
        d.prepare();
        assertEquals(Cifar10.RECORDS_PER_BATCH, d.size());
    }

    @Test
    void cifar100TrainFileWithTooFewRecordsFailsByDefault() {
        CifarFixture.extract(dir, CifarFixture.cifar100Members(9, 5));
        Cifar100 d = Cifar100.builder().optDataDir(dir).setSampling(2, false).build();
        DatasetFormatException e = assertThrows(DatasetFormatException.class, d::prepare);
        assertEquals(Kind.TOO_LITTLE_DATA, e.getKind());
        assertEquals(dir.resolve("cifar-100-binary/train.bin"), e.getFile());
    }

    @Test
    void closingTheReadersClosesEveryOneEvenWhenOneFails() {
        List<String> closed = new ArrayList<>();
        List<Closeable> resources =
                List.of(
                        () -> closed.add("a"),
                        () -> {
                            closed.add("b");
                            throw new IOException("b fails");
                        },
                        () -> closed.add("c"),
                        () -> {
                            closed.add("d");
                            throw new IOException("d fails");
                        });
        IOException e =
                assertThrows(IOException.class, () -> CifarLoader.OpenReaders.closeAll(resources));
        assertEquals(List.of("a", "b", "c", "d"), closed);
        assertEquals("b fails", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals("d fails", e.getSuppressed()[0].getMessage());
    }
}
