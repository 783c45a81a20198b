/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.gzip;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.idxU8;
import static org.mlodyssey.djl.datasets.fixtures.FormatFixtures.write;

import ai.djl.training.dataset.Dataset.Usage;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.format.DatasetFormatException.Kind;
import org.mlodyssey.djl.datasets.idx.IdxReader;
import org.mlodyssey.djl.datasets.idx.IdxType;

/**
 * Dataset files an attacker would try: trailing bytes after gzip data, sizes that cost memory out
 * of proportion, files that are not files, text that is not UTF-8.
 */
class HostileDatasetFilesTest {

    @TempDir Path dir;

    private Emnist mnistTest() {
        return Emnist.builder()
                .optDataDir(dir)
                .optSplit(Emnist.Split.MNIST)
                .optUsage(Usage.TEST)
                .optNormalize(false)
                .setSampling(4, false)
                .build();
    }

    private Path mnistFile(String suffix) {
        return dir.resolve("gzip").resolve("emnist-mnist-test-" + suffix);
    }

    @Test
    void bytesAfterTheGzipDataAreAnError() throws Exception {
        byte[] idx = idxU8(new byte[] {1, 2, 3}, 3);
        byte[] gz = gzip(idx);
        byte[] withGarbage = Arrays.copyOf(gz, gz.length + 100);
        Arrays.fill(withGarbage, gz.length, withGarbage.length, (byte) 'x');
        Path file = write(dir.resolve("labels.gz"), withGarbage);
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () -> IdxReader.readAll(file, IdxType.UNSIGNED_BYTE, 1));
        assertEquals(Kind.TOO_MUCH_DATA, e.getKind(), e.getMessage());
        assertTrue(e.getMessage().contains("not another gzip member"), e.getMessage());
        // two members are one valid file
        byte[] twice = Arrays.copyOf(gzip(Arrays.copyOf(idx, 5)), 0);
        byte[] first = gzip(Arrays.copyOf(idx, 5));
        byte[] second = gzip(Arrays.copyOfRange(idx, 5, idx.length));
        twice = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, twice, first.length, second.length);
        Path members = write(dir.resolve("members.gz"), twice);
        assertEquals(3, IdxReader.readAll(members, IdxType.UNSIGNED_BYTE, 1).getData().length);
    }

    @Test
    void aDatasetFileReplacedByADirectoryIsReportedNotDownloaded() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.MNIST, false, 3, EmnistFixture.Layout.GZIP_SUBDIR);
        Path labels = mnistFile("labels-idx1-ubyte.gz");
        Files.delete(labels);
        Files.createDirectory(labels);
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> mnistTest().prepare());
        assertEquals(Kind.NOT_A_REGULAR_FILE, e.getKind(), e.getMessage());
        assertEquals(labels, e.getFile());
        assertTrue(e.getMessage().contains("a directory"), e.getMessage());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFifoInPlaceOfADatasetFileIsRefusedWithoutBlocking() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.MNIST, false, 3, EmnistFixture.Layout.GZIP_SUBDIR);
        Path images = mnistFile("images-idx3-ubyte.gz");
        Files.delete(images);
        Process p = new ProcessBuilder("mkfifo", images.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo unavailable");
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> mnistTest().prepare());
        assertEquals(Kind.NOT_A_REGULAR_FILE, e.getKind(), e.getMessage());
    }

    @Test
    void labelsClaimingMoreThanTheOfficialFileFailBeforeAnythingIsRead() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.MNIST, false, 3, EmnistFixture.Layout.GZIP_SUBDIR);
        // 2^31 - 100 labels claimed by 2.2 MB of gzip data (incompressible labels), which
        // deflate could expand to the claim: only the official count refuses it up front
        byte[] labels = new byte[2_200_000];
        new java.util.Random(5).nextBytes(labels);
        byte[] idx = idxU8(labels, labels.length);
        idx[4] = 0x7f;
        idx[5] = (byte) 0xff;
        idx[6] = (byte) 0xff;
        idx[7] = (byte) 0x9b;
        write(mnistFile("labels-idx1-ubyte.gz"), gzip(idx));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> mnistTest().prepare());
        assertEquals(Kind.BAD_DIMENSION, e.getKind(), e.getMessage());
        assertTrue(e.getMessage().contains("10000 of the official file"), e.getMessage());
    }

    @Test
    void aMappingFileThatIsNotUtf8NamesTheOffset() throws Exception {
        EmnistFixture.write(dir, Emnist.Split.MNIST, false, 3, EmnistFixture.Layout.GZIP_SUBDIR);
        Path mapping = dir.resolve("gzip").resolve("emnist-mnist-mapping.txt");
        byte[] bytes = Files.readAllBytes(mapping);
        bytes[2] = (byte) 0xff;
        Files.write(mapping, bytes);
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> mnistTest().prepare());
        assertEquals(Kind.BAD_CLASS_NAMES, e.getKind(), e.getMessage());
        assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
    }

    @Test
    void cifarWithoutTheCountCheckRefusesAHugeSparseFileBeforeAllocating() throws Exception {
        CifarFixture.extract(dir, CifarFixture.cifar10Members(1, 1));
        Path batch = dir.resolve("cifar-10-batches-bin").resolve("data_batch_1.bin");
        try (RandomAccessFile raf = new RandomAccessFile(batch.toFile(), "rw")) {
            raf.setLength(3073L * 3_000_000); // 9 GB, sparse: 3 million records claimed
        }
        Cifar10 cifar =
                Cifar10.builder()
                        .optCheckRecordCounts(false)
                        .optDataDir(dir)
                        .optNormalize(false)
                        .setSampling(4, false)
                        .build();
        DatasetFormatException e = assertThrows(DatasetFormatException.class, cifar::prepare);
        assertEquals(Kind.TOO_MUCH_DATA, e.getKind(), e.getMessage());
        assertEquals(batch, e.getFile());
        assertTrue(e.getMessage().contains("more than the 10000"), e.getMessage());
    }
}
