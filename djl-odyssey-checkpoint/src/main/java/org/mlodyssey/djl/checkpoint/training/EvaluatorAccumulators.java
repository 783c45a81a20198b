/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running totals of a trainer's evaluators (DJL's accumulators, from which {@code
 * EvaluatorTrainingListener} computes an epoch's training loss and accuracy), as one line of JSON:
 * saved with a checkpoint and put back on a resume, so that an epoch resumed in its middle reports
 * the same metrics as the uninterrupted epoch.
 *
 * <p>Covered: every evaluator's instance counts, an accuracy's correct counts, a loss's total loss
 * and those of each component of a composite loss ({@link DjlInternals#accumulatorsOf}). An
 * evaluator that keeps totals in state of its own (DJL's {@code BoundingBoxError}, {@code
 * IndexEvaluator}) is refused with an {@link UnsupportedEvaluatorException} at the first copy or
 * restore, never saved wrong. Totals are recorded exactly ({@code Long} and {@code Float} as
 * decimal text that reads back to the same value).
 */
public final class EvaluatorAccumulators {

    private static final Gson GSON = new Gson();

    private EvaluatorAccumulators() {}

    /**
     * Copies the running totals of a trainer's evaluators: a few map copies, cheap enough for every
     * step.
     *
     * @param trainer the trainer
     * @return the copy
     */
    public static Totals copy(Trainer trainer) {
        Map<String, Map<String, Map<String, Number>>> all = new LinkedHashMap<>();
        for (Evaluator evaluator : trainer.getEvaluators()) {
            Map<String, Map<String, Number>> fields = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, Number>> field :
                    DjlInternals.accumulatorsOf(evaluator).entrySet()) {
                fields.put(field.getKey(), new LinkedHashMap<>(field.getValue()));
            }
            all.put(evaluator.getName(), fields);
        }
        return new Totals(all);
    }

    /**
     * Captures the running totals of a trainer's evaluators as text.
     *
     * @param trainer the trainer
     * @return {@code {"<evaluator>": {"<field>": {"<key>": "<total>"}}}} on one line
     */
    public static String capture(Trainer trainer) {
        return copy(trainer).toJson();
    }

    /** A copy of the running totals, by evaluator, field and accumulator key. */
    public static final class Totals {

        private final Map<String, Map<String, Map<String, Number>>> totals;

        private Totals(Map<String, Map<String, Map<String, Number>>> totals) {
            this.totals = totals;
        }

        /**
         * Renders the copy as {@link #restore} reads it.
         *
         * @return {@code {"<evaluator>": {"<field>": {"<key>": "<total>"}}}} on one line
         */
        public String toJson() {
            JsonObject all = new JsonObject();
            totals.forEach(
                    (evaluator, fields) -> {
                        JsonObject f = new JsonObject();
                        fields.forEach(
                                (field, values) -> {
                                    JsonObject v = new JsonObject();
                                    values.forEach(
                                            (key, total) -> v.addProperty(key, total.toString()));
                                    f.add(field, v);
                                });
                        all.add(evaluator, f);
                    });
            return GSON.toJson(all);
        }
    }

    /**
     * Puts captured running totals back into a trainer's evaluators of the same names; evaluators
     * or keys the capture lacks are left as they are.
     *
     * @param trainer the trainer
     * @param captured what {@link #capture} returned
     * @throws IncompatibleCheckpointException if the text is not such a capture
     */
    public static void restore(Trainer trainer, String captured) {
        JsonObject all;
        try {
            all = JsonParser.parseString(captured).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IncompatibleCheckpointException(
                    "Malformed evaluator totals in the checkpoint: " + e.getMessage());
        }
        List<Evaluator> evaluators = trainer.getEvaluators();
        for (Evaluator evaluator : evaluators) {
            Map<String, Map<String, Number>> accumulators = DjlInternals.accumulatorsOf(evaluator);
            JsonObject fields = objectOrNull(all, evaluator.getName());
            if (fields == null) {
                continue;
            }
            for (Map.Entry<String, Map<String, Number>> field : accumulators.entrySet()) {
                JsonObject totals = objectOrNull(fields, field.getKey(), evaluator.getName() + ".");
                if (totals == null) {
                    continue;
                }
                boolean floats = field.getKey().endsWith("totalLoss");
                @SuppressWarnings("unchecked")
                Map<String, Object> live = (Map<String, Object>) (Map<String, ?>) field.getValue();
                try {
                    for (String key : totals.keySet()) {
                        JsonElement value = totals.get(key);
                        if (!value.isJsonPrimitive()) {
                            throw new NumberFormatException("not a number: " + value);
                        }
                        String text = value.getAsString();
                        // Not a conditional expression: it would promote a Long to a Float.
                        Object total;
                        if (floats) {
                            total = Float.valueOf(text);
                        } else {
                            total = Long.valueOf(text);
                        }
                        live.put(key, total);
                    }
                } catch (NumberFormatException e) {
                    throw new IncompatibleCheckpointException(
                            "Malformed evaluator total of "
                                    + evaluator.getName()
                                    + "."
                                    + field.getKey()
                                    + " in the checkpoint: "
                                    + e.getMessage());
                }
            }
        }
    }

    private static JsonObject objectOrNull(JsonObject parent, String name) {
        return objectOrNull(parent, name, "");
    }

    /** A member that must be an object: null if absent, a typed error if of another kind. */
    private static JsonObject objectOrNull(JsonObject parent, String name, String prefix) {
        JsonElement member = parent.get(name);
        if (member == null || member.isJsonNull()) {
            return null;
        }
        if (!member.isJsonObject()) {
            throw new IncompatibleCheckpointException(
                    "Malformed evaluator totals in the checkpoint: "
                            + prefix
                            + name
                            + " is not an object but "
                            + member);
        }
        return member.getAsJsonObject();
    }
}
