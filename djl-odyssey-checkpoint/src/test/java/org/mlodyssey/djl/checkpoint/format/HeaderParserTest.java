/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlodyssey.djl.checkpoint.format.Fixtures.utf8;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The integer literals {@link HeaderParser} accepts, and what a parse of padded JSON gives. */
class HeaderParserTest {

    @Test
    void integersHaveNoLeadingZerosAndASignOnlyWhenSigned() {
        for (String text : new String[] {"0", "7", "10", "9223372036854775808"}) {
            assertTrue(HeaderParser.isInteger(text, false), text);
            assertTrue(HeaderParser.isInteger(text, true), text);
            assertTrue(HeaderParser.isInteger("-" + text, true), "-" + text);
            assertFalse(HeaderParser.isInteger("-" + text, false), "-" + text);
        }
        for (String text : new String[] {"", "-", "00", "01", "-01", "1.0", "1e3", "+1", " 1"}) {
            assertFalse(HeaderParser.isInteger(text, true), text);
            assertFalse(HeaderParser.isInteger(text, false), text);
        }
    }

    @Test
    void paddedJsonParsesAsTheJsonAlone() throws TensorFileFormatException {
        String json =
                "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}";
        TensorHeader header = HeaderParser.parse(utf8(json + " \n\t\r  "), Path.of("f"), 8);
        assertEquals(1, header.entries().size());
        assertEquals("v", header.metadata().get("k"));
        assertEquals(8, header.entry("w").end());
    }
}
