/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.io;

/**
 * Makes a string that came from a file (a tensor name, a metadata value, a file name) safe to put
 * in a terminal line, a log line or an exception message.
 *
 * <p>{@link #escape} replaces every character that could end a line, move the cursor, change
 * colours or reorder the text (C0 and C1 controls, DEL, the line and paragraph separators, the
 * bidirectional formatting characters) and every unpaired surrogate by a visible {@code \\uXXXX}
 * escape; everything else, backslashes included, passes unchanged. The result holds no such
 * character, so escaping twice gives the same text.
 */
public final class UntrustedText {

    /** The most characters of one untrusted string {@link #forMessage} keeps. */
    public static final int MESSAGE_CHARS = 200;

    private UntrustedText() {}

    /**
     * Escapes the characters of a string that could fake or garble terminal output.
     *
     * @param text the untrusted text, or {@code null}
     * @return the escaped text ({@code "null"} for {@code null})
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        sb.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else if (isUnsafe(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Escapes a string for an error message and shortens it to {@link #MESSAGE_CHARS} characters,
     * saying how long it was.
     *
     * @param text the untrusted text, or {@code null}
     * @return the escaped, possibly shortened text
     */
    public static String forMessage(String text) {
        return forMessage(text, MESSAGE_CHARS);
    }

    /**
     * Escapes a string for an error message and shortens it to {@code maxChars} characters, saying
     * how long it was.
     *
     * @param text the untrusted text, or {@code null}
     * @param maxChars the most characters to keep, at least 2
     * @return the escaped, possibly shortened text
     */
    public static String forMessage(String text, int maxChars) {
        if (text != null && text.length() > maxChars) {
            int end = maxChars;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            return escape(text.substring(0, end)) + "... (" + text.length() + " characters)";
        }
        return escape(text);
    }

    /**
     * Finds the first unpaired surrogate of a string: a string that holds one is not Unicode text,
     * and UTF-8 cannot encode it.
     *
     * @param text the text
     * @return the index of the first unpaired surrogate, or -1 when there is none
     */
    public static int indexOfUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
        return -1;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (isUnsafe(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnsafe(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028'
                || c == '\u2029'
                || (c >= '\u200e' && c <= '\u200f')
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069')
                || c == '\u061c'
                || Character.isSurrogate(c);
    }
}
