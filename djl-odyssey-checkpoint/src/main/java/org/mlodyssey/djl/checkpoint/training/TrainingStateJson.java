/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer state file of a training checkpoint ({@code trainer-state.json}): the {@link
 * TrainingProgress} (seed, position, metric history) and the optimizer's class and counters.
 *
 * <p>Metric values are written as Java float strings ({@code Float.toString}), which read back
 * exactly, NaN and infinities included.
 */
final class TrainingStateJson {

    static final String FILE_NAME = "trainer-state.json";

    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private TrainingStateJson() {}

    /** What the trainer state file holds. */
    record Content(TrainingProgress progress, String optimizerClass, Map<String, Long> counters) {}

    static String render(TrainingProgress progress, OptimizerState optimizerState) {
        JsonObject root = new JsonObject();
        root.addProperty("seed", Long.toString(progress.seed()));
        root.addProperty("epoch", progress.epoch());
        root.addProperty("batchInEpoch", progress.batchInEpoch());
        root.addProperty("globalStep", progress.globalStep());
        JsonArray history = new JsonArray();
        for (Map<String, Float> metrics : progress.epochMetrics()) {
            JsonObject epoch = new JsonObject();
            metrics.forEach((k, v) -> epoch.addProperty(k, Float.toString(v)));
            history.add(epoch);
        }
        root.add("epochMetrics", history);
        JsonObject optimizer = new JsonObject();
        optimizer.addProperty("class", optimizerState.getOptimizerClass());
        JsonObject counters = new JsonObject();
        optimizerState.getCounters().forEach((k, v) -> counters.addProperty(k, v));
        optimizer.add("counters", counters);
        root.add("optimizer", optimizer);
        return GSON.toJson(root) + "\n";
    }

    static Content parse(Path directory, String json) throws InvalidTrainingCheckpointException {
        TrainingCheckpointManifest.Fields f =
                new TrainingCheckpointManifest.Fields(directory, FILE_NAME, json);
        long seed;
        try {
            seed = Long.parseLong(f.string(f.root, "seed"));
        } catch (NumberFormatException e) {
            throw f.malformed("field 'seed' is not a 64-bit integer");
        }
        JsonElement historyElement = f.root.get("epochMetrics");
        if (historyElement == null || !historyElement.isJsonArray()) {
            throw f.malformed("field 'epochMetrics' is missing or not an array");
        }
        List<Map<String, Float>> history = new ArrayList<>();
        for (JsonElement element : historyElement.getAsJsonArray()) {
            if (!element.isJsonObject()) {
                throw f.malformed("an entry of 'epochMetrics' is not an object");
            }
            Map<String, Float> metrics = new LinkedHashMap<>();
            JsonObject epoch = element.getAsJsonObject();
            for (String key : epoch.keySet()) {
                try {
                    metrics.put(key, Float.parseFloat(f.string(epoch, key)));
                } catch (NumberFormatException e) {
                    throw f.malformed("metric '" + key + "' is not a float");
                }
            }
            history.add(metrics);
        }
        JsonObject optimizer = f.object(f.root, "optimizer");
        Map<String, Long> counters = new LinkedHashMap<>();
        JsonObject counterObject = f.object(optimizer, "counters");
        for (String key : counterObject.keySet()) {
            counters.put(key, f.number(counterObject, key));
        }
        TrainingProgress progress =
                new TrainingProgress(
                        seed,
                        f.intNumber(f.root, "epoch"),
                        f.intNumber(f.root, "batchInEpoch"),
                        f.number(f.root, "globalStep"),
                        history);
        return new Content(progress, f.string(optimizer, "class"), counters);
    }
}
