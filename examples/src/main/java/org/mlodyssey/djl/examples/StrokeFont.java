/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Digits, capital letters and a few signs drawn as strokes (polylines and elliptic arcs), needing
 * no font: the glyphs of the demo dataset and the labels of {@link SampleGrid}, which therefore
 * render the same on any headless machine.
 *
 * <p>A glyph lives in the unit box, x to the right and y down, both from 0 to 1. Lower-case letters
 * are drawn as capitals; characters without a glyph advance as a space.
 */
public final class StrokeFont {

    /** The characters the demo dataset draws: the digits, then the capitals. */
    public static final String DEMO_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static final Map<Character, Path2D.Double> GLYPHS = new HashMap<>();

    static {
        // Digits.
        define('0', ellipse(0.5, 0.5, 0.38, 0.5), line(0.22, 0.82, 0.78, 0.18));
        define('1', poly(0.25, 0.22, 0.55, 0, 0.55, 1), line(0.25, 1, 0.85, 1));
        define('2', join(arc(0.5, 0.28, 0.42, 0.28, 200, 370), pts(0, 1, 1, 1)));
        define('3', arc(0.5, 0.26, 0.38, 0.26, 210, 450), arc(0.5, 0.74, 0.42, 0.26, 270, 510));
        define('4', poly(0.72, 1, 0.72, 0, 0, 0.7, 1, 0.7));
        define('5', join(pts(0.9, 0, 0.2, 0, 0.16, 0.46), arc(0.5, 0.68, 0.42, 0.32, 225, 500)));
        define('6', ellipse(0.52, 0.7, 0.4, 0.3), poly(0.85, 0.04, 0.4, 0.3, 0.12, 0.7));
        define('7', poly(0, 0, 1, 0, 0.38, 1));
        define('8', ellipse(0.5, 0.24, 0.33, 0.24), ellipse(0.5, 0.72, 0.4, 0.28));
        define('9', ellipse(0.48, 0.3, 0.4, 0.3), poly(0.88, 0.3, 0.8, 0.7, 0.45, 1));
        // Capitals.
        define('A', poly(0, 1, 0.5, 0, 1, 1), line(0.22, 0.6, 0.78, 0.6));
        define(
                'B',
                line(0, 0, 0, 1),
                join(pts(0, 0, 0.6, 0), arc(0.6, 0.24, 0.3, 0.24, 270, 450), pts(0, 0.48)),
                join(pts(0, 0.48, 0.62, 0.48), arc(0.62, 0.74, 0.36, 0.26, 270, 450), pts(0, 1)));
        define('C', arc(0.55, 0.5, 0.45, 0.5, 40, 320));
        define(
                'D',
                line(0, 0, 0, 1),
                join(pts(0, 0, 0.45, 0), arc(0.45, 0.5, 0.5, 0.5, 270, 450), pts(0, 1)));
        define('E', poly(1, 0, 0, 0, 0, 1, 1, 1), line(0, 0.5, 0.75, 0.5));
        define('F', poly(1, 0, 0, 0, 0, 1), line(0, 0.5, 0.75, 0.5));
        define('G', join(arc(0.52, 0.5, 0.47, 0.5, 320, 30), pts(0.98, 0.55, 0.6, 0.55)));
        define('H', line(0, 0, 0, 1), line(1, 0, 1, 1), line(0, 0.5, 1, 0.5));
        define('I', line(0.5, 0, 0.5, 1), line(0.2, 0, 0.8, 0), line(0.2, 1, 0.8, 1));
        define('J', line(0.3, 0, 0.95, 0), join(pts(0.7, 0), arc(0.4, 0.7, 0.3, 0.3, 0, 180)));
        define('K', line(0, 0, 0, 1), line(0.95, 0, 0, 0.58), line(0.32, 0.38, 1, 1));
        define('L', poly(0, 0, 0, 1, 0.9, 1));
        define('M', poly(0, 1, 0, 0, 0.5, 0.62, 1, 0, 1, 1));
        define('N', poly(0, 1, 0, 0, 1, 1, 1, 0));
        define('O', ellipse(0.5, 0.5, 0.5, 0.5));
        define(
                'P',
                join(pts(0, 1, 0, 0, 0.55, 0), arc(0.55, 0.27, 0.4, 0.27, 270, 450), pts(0, 0.54)));
        define('Q', ellipse(0.5, 0.5, 0.5, 0.5), line(0.6, 0.7, 1, 1.05));
        define(
                'R',
                join(pts(0, 1, 0, 0, 0.55, 0), arc(0.55, 0.27, 0.4, 0.27, 270, 450), pts(0, 0.54)),
                line(0.4, 0.54, 1, 1));
        define('S', join(arc(0.5, 0.26, 0.4, 0.26, 340, 90), arc(0.5, 0.76, 0.42, 0.24, 270, 520)));
        define('T', line(0, 0, 1, 0), line(0.5, 0, 0.5, 1));
        define('U', join(pts(0, 0), arc(0.5, 0.65, 0.5, 0.35, 180, 0), pts(1, 0)));
        define('V', poly(0, 0, 0.5, 1, 1, 0));
        define('W', poly(0, 0, 0.25, 1, 0.5, 0.4, 0.75, 1, 1, 0));
        define('X', line(0, 0, 1, 1), line(1, 0, 0, 1));
        define('Y', poly(0, 0, 0.5, 0.5, 1, 0), line(0.5, 0.5, 0.5, 1));
        define('Z', poly(0, 0, 1, 0, 0, 1, 1, 1));
        // Signs for labels and axes.
        define('-', line(0.2, 0.55, 0.8, 0.55));
        define('_', line(0, 1, 1, 1));
        define('.', line(0.45, 0.97, 0.55, 0.97));
        define(':', line(0.45, 0.3, 0.55, 0.3), line(0.45, 0.9, 0.55, 0.9));
        define('/', line(0.1, 1, 0.9, 0));
        define(
                '%',
                line(0.1, 1, 0.9, 0),
                ellipse(0.2, 0.15, 0.12, 0.15),
                ellipse(0.8, 0.85, 0.12, 0.15));
        define('(', arc(0.8, 0.5, 0.45, 0.55, 120, 240));
        define(')', arc(0.2, 0.5, 0.45, 0.55, 60, -60));
        define('+', line(0.2, 0.55, 0.8, 0.55), line(0.5, 0.25, 0.5, 0.85));
        define('=', line(0.2, 0.4, 0.8, 0.4), line(0.2, 0.7, 0.8, 0.7));
    }

    private StrokeFont() {}

    /**
     * Returns a character's strokes in the unit box.
     *
     * @param c the character
     * @return a copy of its path (empty for a character without a glyph)
     */
    public static Path2D.Double glyph(char c) {
        Path2D.Double path = GLYPHS.get(Character.toUpperCase(c));
        return path == null ? new Path2D.Double() : (Path2D.Double) path.clone();
    }

    /**
     * Returns the width a text takes at a given height.
     *
     * @param text the text
     * @param height the glyph height in pixels
     * @return the width in pixels
     */
    public static double width(String text, double height) {
        return text.length() * advance(height);
    }

    /**
     * Draws a text in the graphics' current colour, upper-cased, its top left corner at {@code (x,
     * y)}.
     */
    private static void draw(Graphics2D g, String text, double x, double y, double height) {
        Object antialias = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        java.awt.Stroke stroke = g.getStroke();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setStroke(
                new BasicStroke(
                        (float) Math.max(1, height / 7),
                        BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND));
        double glyphWidth = height * 0.6;
        String upper = text.toUpperCase(Locale.ROOT);
        for (int i = 0; i < upper.length(); i++) {
            Path2D.Double path = glyph(upper.charAt(i));
            AffineTransform at = new AffineTransform();
            at.translate(x + i * advance(height), y);
            at.scale(glyphWidth, height);
            path.transform(at);
            g.draw(path);
        }
        g.setStroke(stroke);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, antialias);
    }

    /**
     * Draws a text centred on a point.
     *
     * @param g the graphics
     * @param text the text
     * @param centerX the centre's x
     * @param centerY the centre's y
     * @param height the glyph height in pixels
     * @param color the colour
     */
    public static void drawCentered(
            Graphics2D g, String text, double centerX, double centerY, double height, Color color) {
        Color previous = g.getColor();
        g.setColor(color);
        draw(g, text, centerX - width(text, height) / 2, centerY - height / 2, height);
        g.setColor(previous);
    }

    private static double advance(double height) {
        return height * 0.85;
    }

    @SafeVarargs
    private static void define(char c, List<double[]>... strokes) {
        Path2D.Double path = GLYPHS.computeIfAbsent(c, k -> new Path2D.Double());
        for (List<double[]> stroke : strokes) {
            double[] first = stroke.get(0);
            path.moveTo(first[0], first[1]);
            for (int i = 1; i < stroke.size(); i++) {
                path.lineTo(stroke.get(i)[0], stroke.get(i)[1]);
            }
        }
    }

    private static List<double[]> pts(double... xy) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < xy.length; i += 2) {
            points.add(new double[] {xy[i], xy[i + 1]});
        }
        return points;
    }

    private static List<double[]> poly(double... xy) {
        return pts(xy);
    }

    private static List<double[]> line(double x0, double y0, double x1, double y1) {
        return pts(x0, y0, x1, y1);
    }

    /** Points of an elliptic arc; angles in degrees, 0 to the right, 90 down; may run backwards. */
    private static List<double[]> arc(
            double cx, double cy, double rx, double ry, double fromDeg, double toDeg) {
        List<double[]> points = new ArrayList<>();
        int n = Math.max(2, (int) Math.ceil(Math.abs(toDeg - fromDeg) / 10));
        for (int i = 0; i <= n; i++) {
            double t = Math.toRadians(fromDeg + (toDeg - fromDeg) * i / n);
            points.add(new double[] {cx + rx * Math.cos(t), cy + ry * Math.sin(t)});
        }
        return points;
    }

    private static List<double[]> ellipse(double cx, double cy, double rx, double ry) {
        return arc(cx, cy, rx, ry, 0, 360);
    }

    @SafeVarargs
    private static List<double[]> join(List<double[]>... parts) {
        List<double[]> all = new ArrayList<>();
        for (List<double[]> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
