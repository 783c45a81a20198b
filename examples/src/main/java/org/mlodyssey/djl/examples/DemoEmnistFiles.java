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
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mlodyssey.djl.datasets.Emnist;
import org.mlodyssey.djl.datasets.idx.IdxType;
import org.mlodyssey.djl.datasets.idx.IdxWriter;

/**
 * Writes a small dataset of digits and capital letters, drawn procedurally with {@link StrokeFont}
 * (random size, slant, rotation, shift and stroke thickness), in the exact file format of EMNIST's
 * {@link Emnist.Split#BALANCED} split: gzip IDX image and label files, images stored transposed as
 * NIST stores them, and the split's official mapping file. {@link Emnist} reads it like the real
 * files; the 11 lower-case classes of the split are simply not drawn.
 */
public final class DemoEmnistFiles {

    /** The EMNIST split whose file names and mapping the demo files use. */
    public static final Emnist.Split SPLIT = Emnist.Split.BALANCED;

    /** The characters of the balanced split's 47 classes, by label (its official mapping). */
    public static final String BALANCED_CLASSES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt";

    private static final int SIZE = Emnist.IMAGE_HEIGHT;

    private DemoEmnistFiles() {}

    /**
     * What was written.
     *
     * @param directory the data directory, to pass to {@code Emnist.Builder.optDataDir}
     * @param trainImages the number of training images
     * @param testImages the number of test images
     * @param files the files written
     */
    public record Written(Path directory, int trainImages, int testImages, List<Path> files) {}

    /**
     * Writes the training and test files of the demo dataset into a directory.
     *
     * @param directory the directory, created if needed
     * @param trainPerClass training images per drawn class
     * @param testPerClass test images per drawn class
     * @param seed the seed of every random choice (the same seed writes the same bytes)
     * @return what was written
     * @throws IOException if a file cannot be written
     */
    public static Written write(Path directory, int trainPerClass, int testPerClass, long seed)
            throws IOException {
        if (trainPerClass < 1 || testPerClass < 1) {
            throw new IllegalArgumentException(
                    "Need at least one image per class, got " + trainPerClass + "/" + testPerClass);
        }
        Files.createDirectories(directory);
        List<Path> files = new ArrayList<>();
        files.addAll(writeUsage(directory, true, trainPerClass, seed));
        files.addAll(writeUsage(directory, false, testPerClass, seed));
        Path mapping = directory.resolve(Emnist.fileNames(SPLIT, true).get(2));
        StringBuilder text = new StringBuilder();
        for (int label = 0; label < BALANCED_CLASSES.length(); label++) {
            text.append(label).append(' ').append((int) BALANCED_CLASSES.charAt(label));
            text.append('\n');
        }
        writeAtomically(mapping, text.toString().getBytes(StandardCharsets.US_ASCII));
        files.add(mapping);
        int classes = StrokeFont.DEMO_CHARACTERS.length();
        return new Written(directory, trainPerClass * classes, testPerClass * classes, files);
    }

    /**
     * Returns the label and upright pixels of one image of the demo dataset, as {@link #write}
     * draws it.
     *
     * @param train whether it is a training image
     * @param index its index in the file
     * @param perClass images per class of that file
     * @param seed the dataset's seed
     * @return the label ({@code [0]}) and the 28x28 upright pixels, row-major, white on black
     */
    public static Sample sample(boolean train, int index, int perClass, long seed) {
        int classes = StrokeFont.DEMO_CHARACTERS.length();
        int[] order = order(classes * perClass, seed, train);
        char c = StrokeFont.DEMO_CHARACTERS.charAt(order[index] % classes);
        Random random = new Random(seed * 1_000_003L + (train ? 0 : 500_009L) + index);
        return new Sample(BALANCED_CLASSES.indexOf(c), c, render(c, random));
    }

    /**
     * One drawn image.
     *
     * @param label its label in the balanced split
     * @param character the character drawn
     * @param upright the 28x28 pixels, row-major, upright
     */
    public record Sample(int label, char character, byte[] upright) {}

    /**
     * Draws a character at a random size, slant, rotation, position and stroke thickness.
     *
     * @param c the character, one of {@link StrokeFont#DEMO_CHARACTERS}
     * @param random the source of the random choices
     * @return 28x28 upright pixels, row-major, white strokes on black
     */
    public static byte[] render(char c, Random random) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, SIZE, SIZE);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            double height = 18 * (0.8 + 0.25 * random.nextDouble());
            double width = height * (0.55 + 0.2 * random.nextDouble());
            AffineTransform at = new AffineTransform();
            at.translate(
                    SIZE / 2.0 + 4 * (random.nextDouble() - 0.5),
                    SIZE / 2.0 + 4 * (random.nextDouble() - 0.5));
            at.rotate(0.35 * (random.nextDouble() - 0.5));
            at.shear(0.35 * (random.nextDouble() - 0.5), 0);
            at.scale(width, height);
            at.translate(-0.5, -0.5);
            Path2D.Double path = StrokeFont.glyph(c);
            path.transform(at);
            g.setColor(Color.WHITE);
            g.setStroke(
                    new BasicStroke(
                            (float) (1.5 + 1.3 * random.nextDouble()),
                            BasicStroke.CAP_ROUND,
                            BasicStroke.JOIN_ROUND));
            g.draw(path);
        } finally {
            g.dispose();
        }
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData().clone();
    }

    private static List<Path> writeUsage(Path directory, boolean train, int perClass, long seed)
            throws IOException {
        int n = StrokeFont.DEMO_CHARACTERS.length() * perClass;
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * SIZE * SIZE];
        for (int i = 0; i < n; i++) {
            Sample s = sample(train, i, perClass, seed);
            labels[i] = (byte) s.label();
            // NIST stores each image transposed: the file's row r is the upright image's column r.
            int base = i * SIZE * SIZE;
            for (int r = 0; r < SIZE; r++) {
                for (int col = 0; col < SIZE; col++) {
                    pixels[base + r * SIZE + col] = s.upright()[col * SIZE + r];
                }
            }
        }
        List<String> names = Emnist.fileNames(SPLIT, train);
        Path images = directory.resolve(names.get(0));
        Path labelFile = directory.resolve(names.get(1));
        IdxWriter.writeFile(images, true, IdxType.UNSIGNED_BYTE, pixels, n, SIZE, SIZE);
        IdxWriter.writeFile(labelFile, true, IdxType.UNSIGNED_BYTE, labels, n);
        return List.of(images, labelFile);
    }

    /** The class of each image: every class {@code perClass} times, shuffled. */
    private static int[] order(int n, long seed, boolean train) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed ^ (train ? 0x5eed : 0x7e57));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
