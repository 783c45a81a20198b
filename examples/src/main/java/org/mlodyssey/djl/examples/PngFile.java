/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes the PNG files of {@link SampleGrid} and {@link TrainingCurves}. */
final class PngFile {

    private PngFile() {}

    /**
     * Writes an image as a PNG file, creating its directory if needed.
     *
     * @param image the image
     * @param out the file
     * @throws IOException if the file cannot be written
     */
    static void write(BufferedImage image, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", out.toFile())) {
            throw new IOException("No PNG writer for " + out);
        }
    }
}
