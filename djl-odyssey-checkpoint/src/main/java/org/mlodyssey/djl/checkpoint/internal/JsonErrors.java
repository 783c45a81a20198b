/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlodyssey.djl.io.UntrustedText;

/**
 * Rewrites the JSON parser's exception messages into this project's words: where the JSON is wrong
 * (line and column) and how, without the parser's hints meant for its own users (its strictness
 * setting, its troubleshooting URL), on one line, with the input's characters escaped.
 */
public final class JsonErrors {

    private static final Pattern POSITION =
            Pattern.compile("^(.*?)\\s*at line (\\d+) column (\\d+)(?: path (.*))?$");

    private JsonErrors() {}

    /**
     * Describes a JSON syntax error.
     *
     * @param e the parser's exception (Gson's {@code MalformedJsonException}, {@code
     *     JsonSyntaxException}, {@code EOFException}, {@code IllegalStateException} or {@code
     *     NumberFormatException})
     * @return for example {@code "not valid JSON at line 1, column 12: unterminated object"}
     */
    public static String describe(Exception e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        first = first.replaceFirst("^(?:[a-z]+\\.)+[A-Za-z]+(?:Exception|Error): ", "");
        Matcher m = POSITION.matcher(first);
        String what = m.matches() ? m.group(1) : first;
        if (what.startsWith("Use JsonReader.setStrictness")) {
            what = "malformed JSON (this reader is strict: no comments, NaN or unquoted names)";
        } else if (what.startsWith("End of input")) {
            what = "the text ends inside the JSON value";
        }
        what = what.isEmpty() ? "malformed JSON" : lowerFirst(what);
        if (!m.matches()) {
            return "not valid JSON: " + UntrustedText.forMessage(what);
        }
        return "not valid JSON at line "
                + m.group(2)
                + ", column "
                + m.group(3)
                + ": "
                + UntrustedText.forMessage(what);
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
