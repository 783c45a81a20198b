/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.format.TensorFileFormatException.Kind;
import org.mlodyssey.djl.checkpoint.internal.FormatKeys;

/** How {@link TensorChecksums} reads a checksum list and checks data against it. */
class TensorChecksumsTest {

    private static final Path FILE = Path.of("sums.safetensors");
    private static final TensorEntry A = new TensorEntry("a", TensorDType.U8, new long[] {3}, 3, 6);
    private static final TensorEntry B = new TensorEntry("b", TensorDType.U8, new long[] {3}, 0, 3);

    private static TensorHeader header(String list) throws TensorFileFormatException {
        // given out of data order: the list follows the data order, b then a
        return TensorHeader.of(List.of(A, B), Map.of(FormatKeys.TENSOR_CRC32C, list), 6);
    }

    @Test
    void checksumsBelongToTheTensorsInDataOrder() throws TensorFileFormatException {
        byte[] bytes = {1, 2, 3};
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        String hex = FormatKeys.hex((int) crc.getValue());
        TensorChecksums sums = TensorChecksums.read(header(hex + ",00000000"), FILE, false);
        ByteBuffer data = ByteBuffer.wrap(bytes);
        sums.check(B, data);
        assertEquals(0, data.position(), "checking leaves the buffer as it was");
        sums.check(A, 0);
        TensorFileFormatException e =
                assertThrows(TensorFileFormatException.class, () -> sums.check(A, data));
        assertEquals(Kind.CHECKSUM_MISMATCH, e.getKind());
        assertEquals("a", e.getSubject());
    }

    @Test
    void aListWithoutOneChecksumPerTensorIsRefused() {
        TensorFileFormatException e =
                assertThrows(
                        TensorFileFormatException.class,
                        () -> TensorChecksums.read(header("00000000"), FILE, false));
        assertEquals(Kind.INVALID_METADATA, e.getKind());
        assertEquals(FormatKeys.TENSOR_CRC32C, e.getSubject());
    }

    @Test
    void theHeaderChecksumIsCheckedOnlyWhenVerifying() throws TensorFileFormatException {
        TensorHeader header = header("00000000,00000000");
        TensorChecksums.read(header, FILE, false);
        TensorFileFormatException e =
                assertThrows(
                        TensorFileFormatException.class,
                        () -> TensorChecksums.read(header, FILE, true));
        assertEquals(Kind.INVALID_METADATA, e.getKind(), e::getMessage);
        assertEquals(FormatKeys.HEADER_CRC32C, e.getSubject());
    }
}
