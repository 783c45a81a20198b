/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UntrustedTextTest {

    @Test
    void escapesWhatCouldFakeOrGarbleALine() {
        assertEquals(
                "w\\u000aintegrity:  intact\\u001b[2K\\u202e",
                UntrustedText.escape("w\nintegrity:  intact\u001b[2K\u202e"));
        assertEquals("a\\u0000b\\u0085\\u2028", UntrustedText.escape("a\u0000b\u0085\u2028"));
        assertEquals("lone \\ud800 \\udc00", UntrustedText.escape("lone \ud800 \udc00"));
    }

    @Test
    void leavesOrdinaryTextAloneAndIsIdempotent() {
        String ok = "layer.0/weight é 𝄞 \\n";
        assertSame(ok, UntrustedText.escape(ok));
        String once = UntrustedText.escape("x\ny");
        assertEquals(once, UntrustedText.escape(once));
        assertEquals("null", UntrustedText.escape(null));
    }

    @Test
    void findsTheFirstUnpairedSurrogate() {
        assertEquals(-1, UntrustedText.indexOfUnpairedSurrogate("a\ud834\udd1eb"));
        assertEquals(1, UntrustedText.indexOfUnpairedSurrogate("a\udd1e\ud834\udd1e"));
        assertEquals(2, UntrustedText.indexOfUnpairedSurrogate("ab\ud834"));
    }

    @Test
    void shortensLongTextForMessages() {
        String s = UntrustedText.forMessage("a".repeat(10_000));
        assertTrue(s.length() < 250, s);
        assertTrue(s.endsWith("(10000 characters)"), s);
    }
}
