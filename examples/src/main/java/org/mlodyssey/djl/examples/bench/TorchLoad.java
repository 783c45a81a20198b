/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.bench;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Times PyTorch's own {@code torch.load} of a state dict with the same shapes, in a {@code python3}
 * process, where python3 with torch is installed: the reference for loading into new arrays.
 */
final class TorchLoad {

    /** The row's label. */
    static final String LABEL = "load torch.load (python3)";

    private TorchLoad() {}

    /**
     * Adds the median seconds of {@code torch.load} to the medians, or says why it could not.
     *
     * @param dir where the state dict file goes (deleted afterwards)
     * @param parameters the parameter set, for its shapes
     * @param repetitions how many loads are timed, after one warm-up
     * @param medians receives the row
     * @return {@code null} when the row was added, else a note saying why not
     */
    static String time(
            Path dir,
            Map<String, NDArray> parameters,
            int repetitions,
            Map<String, Double> medians) {
        String shapes =
                parameters.values().stream()
                        .map(array -> Arrays.toString(array.getShape().getShape()))
                        .collect(Collectors.joining(", ", "[", "]"));
        String script =
                String.join(
                        "\n",
                        "import statistics, sys, time, torch",
                        "path, repetitions = sys.argv[1], int(sys.argv[2])",
                        "shapes = " + shapes,
                        "torch.save({'p%d' % i: torch.randn(*s) for i, s in enumerate(shapes)},"
                                + " path)",
                        "torch.load(path)",
                        "seconds = []",
                        "for _ in range(repetitions):",
                        "    start = time.perf_counter()",
                        "    state = torch.load(path)",
                        "    seconds.append(time.perf_counter() - start)",
                        "    del state",
                        "print(statistics.median(seconds))");
        Path file = dir.resolve("torch-state.pt");
        try {
            Process process =
                    new ProcessBuilder(
                                    "python3",
                                    "-c",
                                    script,
                                    file.toString(),
                                    String.valueOf(repetitions))
                            .redirectErrorStream(true)
                            .start();
            String output =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                            .trim();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroy();
                return "torch.load: skipped (python3 cannot import torch here: "
                        + lastLine(output)
                        + ")";
            }
            medians.put(LABEL, Double.parseDouble(lastLine(output)));
            return null;
        } catch (IOException | NumberFormatException e) {
            return "torch.load: skipped (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "torch.load: skipped (interrupted)";
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1].trim();
    }
}
