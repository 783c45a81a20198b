/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.format.Integrity;
import org.mlodyssey.djl.checkpoint.format.ReadOptions;
import org.mlodyssey.djl.checkpoint.format.Tensor;
import org.mlodyssey.djl.checkpoint.format.TensorDType;
import org.mlodyssey.djl.checkpoint.format.TensorFile;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException;

/** Pins the NDArray adapter on the real PyTorch engine (CPU). */
class NDArrayFilesTest {

    /** The dtypes the PyTorch engine can hold, with a random filler each. */
    private static final List<DataType> ENGINE_TYPES =
            List.of(
                    DataType.FLOAT16,
                    DataType.FLOAT32,
                    DataType.FLOAT64,
                    DataType.INT8,
                    DataType.INT32,
                    DataType.INT64,
                    DataType.UINT8,
                    DataType.BOOLEAN);

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

    @Test
    void anyNonZeroBoolByteLoadsAsTrueAndReachesTheEngineAsOne() throws IOException {
        TensorFile checkpoint = new TensorFile();
        checkpoint.put(
                "b",
                Tensor.of(TensorDType.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {0, 2, 1})));
        Path file = dir.resolve("bools.safetensors");
        checkpoint.save(file);
        NDArray loaded = NDArrayFiles.load(file, manager, Device.cpu()).get("b");
        assertArrayEquals(new boolean[] {false, true, true}, loaded.toBooleanArray());
        assertArrayEquals(new byte[] {0, 1, 1}, loaded.toByteArray(), "the engine's bytes");
        assertArrayEquals(new int[] {0, 1, 1}, loaded.toType(DataType.INT32, false).toIntArray());
        try (TensorFile read = TensorFile.load(file)) {
            NDArray single =
                    NDArrayFiles.toNDArray(
                            "b", read.get("b"), manager, Device.cpu(), UnsafeDTypes.FAIL);
            assertArrayEquals(new byte[] {0, 1, 1}, single.toByteArray(), "the engine's bytes");
        }
    }

    private NDArray randomArray(DataType type, Shape shape, Random random) {
        int bytes = Math.toIntExact(shape.size() * type.getNumOfBytes());
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        if (type == DataType.BOOLEAN) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (data[i] & 1);
            }
        }
        if (type.isFloating() && data.length > 0) {
            // an all-ones element is a NaN with a payload: it must survive as bits
            java.util.Arrays.fill(data, 0, type.getNumOfBytes(), (byte) 0xff);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(data).flip();
        return manager.create(buffer, shape, type);
    }

    private static byte[] bytes(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Test
    void everyEngineDtypeRoundTripsBitExactlyWithScalarsAndZeroDims() throws IOException {
        Random random = new Random(42);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (DataType type : ENGINE_TYPES) {
            arrays.put(type + ".matrix", randomArray(type, new Shape(3, 5), random));
            arrays.put(type + ".scalar", randomArray(type, new Shape(), random));
            arrays.put(type + ".empty", randomArray(type, new Shape(0, 4), random));
        }
        Path file = dir.resolve("arrays.safetensors");
        NDArrayFiles.save(file, arrays, Map.of("epoch", "7"));

        Map<String, NDArray> loaded = NDArrayFiles.load(file, manager, Device.cpu());
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(loaded.keySet()));
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            NDArray back = loaded.get(entry.getKey());
            assertEquals(entry.getValue().getDataType(), back.getDataType(), entry.getKey());
            assertEquals(entry.getValue().getShape(), back.getShape(), entry.getKey());
            assertArrayEquals(bytes(entry.getValue()), bytes(back), entry.getKey());
            assertEquals(entry.getKey(), back.getName());
        }
        try (TensorFile checkpoint = TensorFile.load(file)) {
            assertEquals("7", checkpoint.metadata().get("epoch"));
            assertEquals(Integrity.VERIFIED, checkpoint.integrity());
        }
    }

    @Test
    void loadedArraysDoNotAliasTheFile() throws IOException {
        Path file = dir.resolve("a.safetensors");
        NDArray original = manager.create(new float[] {1, 2, 3});
        NDArrayFiles.save(file, Map.of("a", original), Map.of());
        NDArray loaded = NDArrayFiles.load(file, manager, Device.cpu()).get("a");
        // Replace the file's content in place: the loaded array must not change.
        NDArrayFiles.save(file, Map.of("a", manager.create(new float[] {7, 8, 9})), Map.of());
        assertArrayEquals(new float[] {1, 2, 3}, loaded.toFloatArray());
        // And writing into the loaded array does not touch the file.
        loaded.addi(1);
        assertArrayEquals(
                new float[] {7, 8, 9},
                NDArrayFiles.load(file, manager, Device.cpu()).get("a").toFloatArray());
    }

    @Test
    void savingACpuArrayWithoutCopyIsAViewAndWithCopyIsNot() {
        NDArray array = manager.create(new float[] {1, 2});
        Tensor view = NDArrayFiles.toTensor("a", array, false);
        Tensor copy = NDArrayFiles.toTensor("a", array, true);
        array.addi(10);
        try {
            assertEquals(11f, view.data().getFloat(0));
            assertEquals(1f, copy.data().getFloat(0));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void loadIntoWritesInPlaceAndKeepsTheGradient() throws IOException {
        Path file = dir.resolve("w.safetensors");
        NDArrayFiles.save(
                file, Map.of("w", manager.create(new float[] {3, 4}, new Shape(2))), Map.of());
        NDArray weight = manager.zeros(new Shape(2));
        weight.setRequiresGradient(true);
        NDArrayFiles.loadInto(file, Map.of("w", weight));
        assertArrayEquals(new float[] {3, 4}, weight.toFloatArray());
        assertTrue(weight.hasGradient());
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(weight.mul(weight).sum());
        }
        assertArrayEquals(new float[] {6, 8}, weight.getGradient().toFloatArray());
    }

    /** Flips one bit in the data of the file's last tensor. */
    private static void flipLastDataBit(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
    }

    @Test
    void loadIntoIsAllOrNothingOnADamagedFile() throws IOException {
        Path file = dir.resolve("two.safetensors");
        Map<String, NDArray> saved = new LinkedHashMap<>();
        saved.put("a", manager.create(new float[] {1, 2}));
        saved.put("b", manager.create(new float[] {3, 4}));
        NDArrayFiles.save(file, saved, Map.of());
        flipLastDataBit(file); // damages "b"
        NDArray a = manager.zeros(new Shape(2));
        NDArray b = manager.zeros(new Shape(2));
        Map<String, NDArray> targets = new LinkedHashMap<>();
        targets.put("a", a);
        targets.put("b", b);
        TensorFileFormatException e =
                assertThrows(
                        TensorFileFormatException.class,
                        () -> NDArrayFiles.loadInto(file, targets));
        assertEquals(TensorFileFormatException.Kind.CHECKSUM_MISMATCH, e.getKind());
        assertEquals("b", e.getSubject());
        assertArrayEquals(new float[] {0, 0}, a.toFloatArray());
        assertArrayEquals(new float[] {0, 0}, b.toFloatArray());
    }

    @Test
    void loadIntoIsAllOrNothingOnAShapeMismatch() throws IOException {
        Path file = dir.resolve("two.safetensors");
        Map<String, NDArray> saved = new LinkedHashMap<>();
        saved.put("a", manager.create(new float[] {1, 2}));
        saved.put("b", manager.create(new float[] {3, 4}));
        NDArrayFiles.save(file, saved, Map.of());
        NDArray a = manager.zeros(new Shape(2));
        Map<String, NDArray> targets = new LinkedHashMap<>();
        targets.put("a", a);
        targets.put("b", manager.zeros(new Shape(3)));
        assertThrows(IllegalArgumentException.class, () -> NDArrayFiles.loadInto(file, targets));
        assertArrayEquals(new float[] {0, 0}, a.toFloatArray());
    }

    @Test
    void loadingManyTensorsWithOneDamagedFailsCleanly() throws IOException {
        Random random = new Random(3);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            arrays.put("t" + i, randomArray(DataType.FLOAT32, new Shape(64, 64), random));
        }
        Path file = dir.resolve("many.safetensors");
        NDArrayFiles.save(file, arrays, Map.of());
        flipLastDataBit(file); // damages "t15"; the others are being filled in parallel
        try (NDManager scope = manager.newSubManager()) {
            TensorFileFormatException e =
                    assertThrows(
                            TensorFileFormatException.class,
                            () -> NDArrayFiles.load(file, scope, Device.cpu()));
            assertEquals("t15", e.getSubject());
        }
    }

    @Test
    void loadIntoANonContiguousArrayStillLoadsEveryValue() throws IOException {
        Path file = dir.resolve("t.safetensors");
        NDArray values = manager.arange(6f).reshape(new Shape(2, 3));
        NDArrayFiles.save(file, Map.of("t", values), Map.of());
        // A transposed view is not contiguous: the engine hands out a copy of its memory, so the
        // in-place path must notice and fall back.
        NDArray target = manager.zeros(new Shape(3, 2)).transpose();
        NDArrayFiles.loadInto(file, Map.of("t", target));
        assertArrayEquals(values.toFloatArray(), target.toFloatArray());
    }

    @Test
    void loadIntoRejectsShapeAndDtypeMismatchesNamingTheTensor() throws IOException {
        Path file = dir.resolve("w.safetensors");
        NDArrayFiles.save(
                file, Map.of("w", manager.create(new float[] {3, 4}, new Shape(2))), Map.of());
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                NDArrayFiles.loadInto(
                                        file, Map.of("w", manager.zeros(new Shape(1, 2)))));
        assertTrue(
                shape.getMessage().contains("w: the array has shape (1, 2)"), shape.getMessage());
        IllegalArgumentException dtype =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                NDArrayFiles.loadInto(
                                        file,
                                        Map.of("w", manager.zeros(new Shape(2), DataType.INT32))));
        assertTrue(dtype.getMessage().contains("int32"), dtype.getMessage());
    }

    /** Raw BF16/I16/U16/U32/U64 data, which must never reach the engine. */
    private Path writeUnsafeDtypes() throws IOException {
        TensorFile checkpoint = new TensorFile();
        ByteBuffer bf16 = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        // 1.0, -2.5, +inf, a NaN with payload, the smallest subnormal
        bf16.putShort((short) 0x3f80).putShort((short) 0xc020).putShort((short) 0x7f80);
        bf16.putShort((short) 0x7fc1).putShort((short) 0x0001).flip();
        checkpoint.put("bf16", Tensor.of(TensorDType.BF16, new long[] {5}, bf16));
        ByteBuffer i16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        i16.putShort((short) -32768).putShort((short) 32767).flip();
        checkpoint.put("i16", Tensor.of(TensorDType.I16, new long[] {2}, i16));
        ByteBuffer u16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        u16.putShort((short) 0xffff).putShort((short) 1).flip();
        checkpoint.put("u16", Tensor.of(TensorDType.U16, new long[] {2}, u16));
        ByteBuffer u32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        u32.putInt(0xffffffff).putInt(7).flip();
        checkpoint.put("u32", Tensor.of(TensorDType.U32, new long[] {1, 2}, u32));
        ByteBuffer u64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        u64.putLong(-1L).flip();
        checkpoint.put("u64", Tensor.of(TensorDType.U64, new long[] {}, u64));
        Path file = dir.resolve("unsafe.safetensors");
        checkpoint.save(file);
        return file;
    }

    @Test
    void engineUnsafeDtypesFailClearlyByDefaultAndNeverReachTheEngine() throws IOException {
        Path file = writeUnsafeDtypes();
        for (String name : List.of("bf16", "i16", "u16", "u32", "u64")) {
            EngineDTypeException e =
                    assertThrows(
                            EngineDTypeException.class,
                            () ->
                                    NDArrayFiles.load(
                                            file,
                                            manager,
                                            Device.cpu(),
                                            ReadOptions.builder().optNames(List.of(name)).build(),
                                            UnsafeDTypes.FAIL));
            assertEquals(name, e.getTensorName());
            assertTrue(e.getMessage().contains("aborts the JVM"), e.getMessage());
        }
        // The raw bytes stay available, dtype intact.
        try (TensorFile checkpoint = TensorFile.load(file)) {
            assertEquals(TensorDType.BF16, checkpoint.get("bf16").dtype());
            assertEquals((short) 0x7fc1, checkpoint.get("bf16").data().getShort(6));
        }
    }

    @Test
    void wideningIsExact() throws IOException {
        Path file = writeUnsafeDtypes();
        ReadOptions allButU64 =
                ReadOptions.builder().optNames(List.of("bf16", "i16", "u16", "u32")).build();
        Map<String, NDArray> loaded =
                NDArrayFiles.load(file, manager, Device.cpu(), allButU64, UnsafeDTypes.WIDEN);
        NDArray bf16 = loaded.get("bf16");
        assertEquals(DataType.FLOAT32, bf16.getDataType());
        float[] values = bf16.toFloatArray();
        assertEquals(1.0f, values[0]);
        assertEquals(-2.5f, values[1]);
        assertEquals(Float.POSITIVE_INFINITY, values[2]);
        assertEquals(0x7fc10000, Float.floatToRawIntBits(values[3]));
        assertEquals(0x00010000, Float.floatToRawIntBits(values[4]));
        assertEquals(DataType.INT32, loaded.get("i16").getDataType());
        assertArrayEquals(new int[] {-32768, 32767}, loaded.get("i16").toIntArray());
        assertArrayEquals(new int[] {65535, 1}, loaded.get("u16").toIntArray());
        assertEquals(DataType.INT64, loaded.get("u32").getDataType());
        assertEquals(new Shape(1, 2), loaded.get("u32").getShape());
        assertArrayEquals(new long[] {4294967295L, 7}, loaded.get("u32").toLongArray());

        ReadOptions u64 = ReadOptions.builder().optNames(List.of("u64")).build();
        EngineDTypeException e =
                assertThrows(
                        EngineDTypeException.class,
                        () ->
                                NDArrayFiles.load(
                                        file, manager, Device.cpu(), u64, UnsafeDTypes.WIDEN));
        assertTrue(e.getMessage().contains("no exact widening"), e.getMessage());
    }

    @Test
    void filesWrittenByDjlsSafetensorsEncoderLoadInOurs() throws IOException {
        Random random = new Random(7);
        NDList list = new NDList();
        for (DataType type :
                List.of(DataType.FLOAT32, DataType.FLOAT64, DataType.INT32, DataType.INT64)) {
            NDArray array = randomArray(type, new Shape(2, 3), random);
            array.setName("t_" + type);
            list.add(array);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.encode(out, NDList.Encoding.SAFETENSORS);
        Path file = dir.resolve("djl.safetensors");
        Files.write(file, out.toByteArray());

        try (TensorFile checkpoint = TensorFile.load(file)) {
            assertEquals(0, checkpoint.formatVersion());
            assertEquals(Integrity.UNCHECKED, checkpoint.integrity());
        }
        Map<String, NDArray> loaded = NDArrayFiles.load(file, manager, Device.cpu());
        for (NDArray array : list) {
            NDArray back = loaded.get(array.getName());
            assertEquals(array.getDataType(), back.getDataType());
            assertArrayEquals(bytes(array), bytes(back), array.getName());
        }
    }

    @Test
    void oursLoadInDjlsSafetensorsDecoder() throws IOException {
        Random random = new Random(9);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (DataType type :
                List.of(DataType.FLOAT32, DataType.FLOAT64, DataType.INT32, DataType.INT64)) {
            arrays.put("t_" + type, randomArray(type, new Shape(4, 2), random));
        }
        Path file = dir.resolve("ours.safetensors");
        NDArrayFiles.save(file, arrays, Map.of("note", "interop"));
        NDList decoded = NDList.decode(manager, new ByteArrayInputStream(Files.readAllBytes(file)));
        assertEquals(arrays.size(), decoded.size());
        for (NDArray array : decoded) {
            NDArray original = arrays.get(array.getName());
            assertEquals(original.getShape(), array.getShape(), array.getName());
            assertArrayEquals(bytes(original), bytes(array), array.getName());
        }
    }

    @Test
    void savingDoesNotChangeTheArray() throws IOException {
        NDArray array = manager.create(new float[] {1, 2, 3});
        array.setRequiresGradient(true);
        Device device = array.getDevice();
        NDArrayFiles.save(dir.resolve("s.safetensors"), Map.of("s", array), Map.of());
        assertSame(device, array.getDevice());
        assertTrue(array.hasGradient());
        assertArrayEquals(new float[] {1, 2, 3}, array.toFloatArray());
    }
}
