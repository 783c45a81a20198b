/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.MappedPool;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;

/**
 * Loads into new CPU arrays alias a private mapping of the file on the PyTorch engine: the
 * aliasing, its lifetime (valid after the reader closes and after the arrays close, for their
 * views; unmapped when the manager, or every manager holding one of the arrays, closes), the
 * fallbacks to one copy, and the size check before any allocation.
 */
class ZeroCopyLoadTest {

    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Saves float32 tensors {@code t0..t(n-1)} of 1024 floats, element i of tj = j * 10000 + i. */
    private Path saveFloats(String name, int count) throws IOException {
        TensorFile checkpoint = new TensorFile();
        for (int t = 0; t < count; t++) {
            ByteBuffer data = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 1024; i++) {
                data.putFloat(t * 10000f + i);
            }
            checkpoint.put("t" + t, Tensor.of(TensorDType.F32, new long[] {1024}, data.flip()));
        }
        Path file = dir.resolve(name);
        checkpoint.save(file);
        return file;
    }

    /** Overwrites the first float of tensor {@code name}'s data in the file, in place. */
    private static void overwriteInPlace(Path file, String name, float value) throws IOException {
        long offset;
        try (TensorFile checkpoint = TensorFile.load(file)) {
            offset = dataOffset(file, checkpoint, name);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.putFloat(value).flip();
            channel.write(bytes, offset);
        }
    }

    /** The file offset of a tensor's data: 8 + header length + its begin offset. */
    private static long dataOffset(Path file, TensorFile checkpoint, String name)
            throws IOException {
        byte[] prefix = new byte[8];
        try (FileChannel channel = FileChannel.open(file)) {
            channel.read(ByteBuffer.wrap(prefix));
        }
        long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long begin = 0;
        for (Map.Entry<String, Tensor> entry : checkpoint.tensors().entrySet()) {
            if (entry.getKey().equals(name)) {
                return 8 + headerLength + begin;
            }
            begin += entry.getValue().byteSize();
        }
        throw new AssertionError("no tensor " + name);
    }

    @Test
    void newCpuArraysAliasTheFileUnlessOwnedMemoryIsAskedFor() throws IOException {
        Path file = saveFloats("alias.safetensors", 2);
        NDArray mapped = NDArrayFiles.load(file, manager, Device.cpu()).get("t1");
        ReadOptions owned = ReadOptions.builder().optOwnedMemory(true).build();
        NDArray copied =
                NDArrayFiles.load(file, manager, Device.cpu(), owned, UnsafeDTypes.FAIL).get("t1");
        assertEquals(10000f, mapped.getFloat(0));
        // A write to the file in place shows through a (not yet written) page of a private
        // mapping on Linux: proof that the array's memory is the file's mapping, not a copy.
        overwriteInPlace(file, "t1", -5f);
        assertEquals(-5f, mapped.getFloat(0));
        assertEquals(10000f, copied.getFloat(0));
        assertEquals(10001f, mapped.getFloat(1));
    }

    @Test
    void writingIntoAMappedArrayNeitherCrashesNorChangesTheFile() throws IOException {
        Path file = saveFloats("cow.safetensors", 2);
        byte[] before = Files.readAllBytes(file);
        NDArray mapped = NDArrayFiles.load(file, manager, Device.cpu()).get("t0");
        mapped.addi(1f); // the engine writes into the mapped memory
        mapped.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, 99f);
        assertEquals(1f, mapped.getFloat(0));
        assertEquals(99f, mapped.getFloat(1));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (NDManager other = manager.newSubManager()) {
            NDArray again = NDArrayFiles.load(file, other, Device.cpu()).get("t0");
            assertEquals(0f, again.getFloat(0));
        }
    }

    @Test
    void arraysStayValidAfterTheReaderClosesAndTheFileIsDeleted() throws IOException {
        Path file = saveFloats("gone.safetensors", 3);
        Map<String, NDArray> arrays = NDArrayFiles.load(file, manager, Device.cpu());
        Files.delete(file);
        System.gc();
        for (int t = 0; t < 3; t++) {
            float[] values = arrays.get("t" + t).toFloatArray();
            assertEquals(t * 10000f, values[0]);
            assertEquals(t * 10000f + 1023, values[1023]);
        }
    }

    @Test
    void theMappingStaysUntilTheManagerClosesNotTheArrays()
            throws IOException, InterruptedException {
        Path file = saveFloats("lifetime.safetensors", 4);
        long count = MappedPool.settle();
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> arrays = NDArrayFiles.load(file, scope, Device.cpu());
            assertEquals(count + 1, MappedPool.count(), "one mapping per load");
            NDArray view = arrays.get("t3").reshape(32, 32);
            arrays.values().forEach(NDArray::close);
            assertEquals(count + 1, MappedPool.count(), "held by the manager, for its views");
            assertEquals(3f * 10000f + 33, view.getFloat(1, 1));
        }
        assertEquals(count, MappedPool.count(), "unmapped when the manager closes");
    }

    @Test
    void anArrayMovedToAnotherManagerKeepsTheMappingUntilBothClose()
            throws IOException, InterruptedException {
        Path file = saveFloats("moved.safetensors", 2);
        long count = MappedPool.settle();
        try (NDManager other = manager.newSubManager()) {
            NDManager loaded = manager.newSubManager();
            NDArray t0 = NDArrayFiles.load(file, loaded, Device.cpu()).get("t0");
            t0.attach(other);
            NDArray view = t0.reshape(4, 256);
            loaded.close();
            t0.close();
            assertEquals(count + 1, MappedPool.count(), "held by the manager the array moved to");
            assertEquals(2 * 256 + 7f, view.getFloat(2, 7));
        }
        assertEquals(count, MappedPool.count(), "unmapped when the last holder closes");
    }

    @Test
    void closingTheManagerUnmapsAndAThousandLoadsLeakNoMapping()
            throws IOException, InterruptedException {
        Path file = saveFloats("cycles.safetensors", 3);
        long count = MappedPool.settle();
        long bytes = MappedPool.bytes();
        try (NDManager scope = manager.newSubManager()) {
            NDArrayFiles.load(file, scope, Device.cpu());
            assertEquals(count + 1, MappedPool.count());
        }
        assertEquals(count, MappedPool.count(), "closing the manager unmaps");
        for (int i = 0; i < 1000; i++) {
            try (NDManager scope = manager.newSubManager()) {
                Map<String, NDArray> arrays = NDArrayFiles.load(file, scope, Device.cpu());
                NDArray view = arrays.get("t2").reshape(32, 32);
                arrays.values().forEach(NDArray::close); // views first or last: either is safe
                assertEquals(count + 1, MappedPool.count(), "held by the manager for the view");
                assertEquals(2f * 10000f + i % 1024, view.getFloat(i % 1024 / 32, i % 32));
            }
        }
        assertEquals(count, MappedPool.count(), "mappings left after 1,000 loads");
        assertEquals(bytes, MappedPool.bytes(), "mapped bytes left after 1,000 loads");
    }

    @Test
    void loadsInPlaceCopyFromTheMappingAndLeaveNoneBehind()
            throws IOException, InterruptedException {
        Path file = saveFloats("inplace.safetensors", 3);
        Map<String, NDArray> targets = new LinkedHashMap<>();
        for (int t = 0; t < 3; t++) {
            targets.put("t" + t, manager.zeros(new Shape(1024)));
        }
        long count = MappedPool.settle();
        for (int i = 0; i < 200; i++) {
            targets.values().forEach(array -> array.muli(0));
            NDArrayFiles.loadInto(file, targets);
            assertEquals(2f * 10000f + i, targets.get("t2").getFloat(i));
        }
        assertEquals(count, MappedPool.count(), "mappings left after 200 loads in place");
        // The targets own their memory: a write to the file in place does not show through.
        overwriteInPlace(file, "t1", -5f);
        assertEquals(10000f, targets.get("t1").getFloat(0));
    }

    @Test
    void aDamagedTensorFailsTheLoadNamingItAndLeavesNothingMapped()
            throws IOException, InterruptedException {
        Path file = saveFloats("damaged.safetensors", 3);
        overwriteInPlace(file, "t1", 12345f);
        long count = MappedPool.settle();
        TensorFileFormatException e =
                assertThrows(
                        TensorFileFormatException.class,
                        () -> NDArrayFiles.load(file, manager, Device.cpu()));
        assertEquals(TensorFileFormatException.Kind.CHECKSUM_MISMATCH, e.getKind());
        assertTrue(e.getMessage().contains("t1"), e.getMessage());
        assertEquals(count, MappedPool.count());
        // Verification off: the caller's explicit choice loads the damaged data as they are.
        ReadOptions unchecked = ReadOptions.builder().optVerify(false).build();
        NDArray t1 =
                NDArrayFiles.load(file, manager, Device.cpu(), unchecked, UnsafeDTypes.FAIL)
                        .get("t1");
        assertEquals(12345f, t1.getFloat(0));
    }

    /** A checkpoint of {@code U8[pad]} then one tensor per engine dtype, each at an odd offset. */
    private Path everyDtypeAt(int pad, Random random, Map<String, byte[]> expected)
            throws IOException {
        TensorFile checkpoint = new TensorFile();
        byte[] padding = new byte[pad];
        checkpoint.put(
                "pad", Tensor.of(TensorDType.U8, new long[] {pad}, ByteBuffer.wrap(padding)));
        expected.put("pad", padding);
        for (TensorDType type : TensorDType.values()) {
            if (type == TensorDType.U64) {
                continue; // no exact widening: refused by design (NDArrayFilesTest)
            }
            byte[] data = new byte[type.byteSize() * 6];
            random.nextBytes(data);
            if (type == TensorDType.BOOL) {
                for (int i = 0; i < data.length; i++) {
                    data[i] &= 1;
                }
            }
            checkpoint.put(type.name(), Tensor.of(type, new long[] {2, 3}, ByteBuffer.wrap(data)));
            expected.put(type.name(), data);
            // A one-byte tensor after each keeps the next one off its alignment.
            checkpoint.put(
                    type + ".odd",
                    Tensor.of(TensorDType.I8, new long[] {1}, ByteBuffer.wrap(new byte[] {7})));
            expected.put(type + ".odd", new byte[] {7});
        }
        Path file = dir.resolve("dtypes-" + pad + ".safetensors");
        checkpoint.save(file);
        return file;
    }

    @Test
    void everyDtypeRoundTripsExactlyAlignedOrNot() throws IOException {
        Random random = new Random(7);
        for (int pad = 0; pad < 8; pad++) {
            Map<String, byte[]> expected = new LinkedHashMap<>();
            Path file = everyDtypeAt(pad, random, expected);
            Map<String, NDArray> arrays =
                    NDArrayFiles.load(
                            file,
                            manager,
                            Device.cpu(),
                            ReadOptions.defaults(),
                            UnsafeDTypes.WIDEN);
            for (TensorDType type : TensorDType.values()) {
                if (type == TensorDType.U64) {
                    continue;
                }
                NDArray array = arrays.get(type.name());
                byte[] data = expected.get(type.name());
                if (DataTypes.isEngineSafe(type)) {
                    assertEquals(DataTypes.toDataType(type), array.getDataType(), type.name());
                    assertArrayEquals(data, bytesOf(array), type + " after pad " + pad);
                } else {
                    byte[] widened = new byte[data.length * 2];
                    Widening.widen(
                            type,
                            ByteBuffer.wrap(data),
                            ByteBuffer.wrap(widened).order(ByteOrder.LITTLE_ENDIAN));
                    assertArrayEquals(widened, bytesOf(array), type + " after pad " + pad);
                }
            }
            arrays.values().forEach(NDArray::close);
        }
    }

    @Test
    void misalignedTensorsAreCopiesNotViewsOfTheFile() throws IOException {
        TensorFile checkpoint = new TensorFile();
        checkpoint.put(
                "pad", Tensor.of(TensorDType.U8, new long[] {3}, ByteBuffer.wrap(new byte[3])));
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1.5f).putFloat(2.5f).flip();
        checkpoint.put("w", Tensor.of(TensorDType.F32, new long[] {2}, data));
        Path file = dir.resolve("misaligned.safetensors");
        checkpoint.save(file);
        Map<String, NDArray> arrays = NDArrayFiles.load(file, manager, Device.cpu());
        NDArray w = arrays.get("w");
        assertFalse(w instanceof PtMappedArray, "a misaligned float32 tensor must be copied");
        assertInstanceOf(PtMappedArray.class, arrays.get("pad"), "bytes are always aligned");
        overwriteInPlace(file, "w", -1f);
        assertArrayEquals(new float[] {1.5f, 2.5f}, w.toFloatArray());
    }

    private static byte[] bytesOf(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /**
     * A plain safetensors file whose one tensor claims {@code bytes} bytes, as a sparse file: the
     * header is real, the data are holes.
     */
    private Path sparseFile(String dtype, long elements, long bytes) throws IOException {
        String json =
                "{\"big\":{\"dtype\":\""
                        + dtype
                        + "\",\"shape\":["
                        + elements
                        + "],\"data_offsets\":[0,"
                        + bytes
                        + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(header);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        Path file = dir.resolve("sparse-" + dtype + ".safetensors");
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(prefix.flip());
            channel.write(ByteBuffer.wrap(new byte[1]), 8 + padded + bytes - 1);
        }
        return file;
    }

    @Test
    void aTensorOverTwoGibFailsTypedBeforeAnyAllocation() throws IOException {
        long elements = 600_000_000L; // 2.4 GB of float32
        Path file = sparseFile("F32", elements, elements * 4);
        TensorFileFormatException e =
                assertThrows(
                        TensorFileFormatException.class,
                        () -> NDArrayFiles.load(file, manager, Device.cpu()));
        assertEquals(TensorFileFormatException.Kind.TENSOR_TOO_LARGE, e.getKind());
        assertTrue(e.getMessage().contains("big"), e.getMessage());

        // 1.2 GB of bfloat16 widens to 2.4 GB of float32: refused before allocating too.
        Path bf16 = sparseFile("BF16", elements, elements * 2);
        TensorFileFormatException widened =
                assertThrows(
                        TensorFileFormatException.class,
                        () ->
                                NDArrayFiles.load(
                                        bf16,
                                        manager,
                                        Device.cpu(),
                                        ReadOptions.defaults(),
                                        UnsafeDTypes.WIDEN));
        assertEquals(TensorFileFormatException.Kind.TENSOR_TOO_LARGE, widened.getKind());
    }
}
