/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.Locations;

/**
 * Writes the one JSON line an example's result ends with: a record's components in their order,
 * named in {@code lower_case_with_underscores}, nulls kept, paths as strings, no HTML escaping. The
 * seconds a run took are rounded by the record's own {@link Millis} or {@link Tenths} adapter.
 */
public final class ResultLine {

    private static final Gson GSON =
            new GsonBuilder()
                    .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                    .registerTypeHierarchyAdapter(Path.class, new PathAsString().nullSafe())
                    .serializeNulls()
                    .disableHtmlEscaping()
                    .create();

    private ResultLine() {}

    /**
     * Renders a result as one line of JSON.
     *
     * @param result the result record
     * @return the JSON object on one line
     */
    public static String toJson(Record result) {
        return GSON.toJson(result);
    }

    /** Writes a path as the location it carries: its string, or {@code s3://…}. */
    private static final class PathAsString extends TypeAdapter<Path> {

        /** {@inheritDoc} */
        @Override
        public void write(JsonWriter out, Path value) throws IOException {
            out.value(Locations.of(value));
        }

        /** {@inheritDoc} */
        @Override
        public Path read(JsonReader in) throws IOException {
            return Locations.asPath(in.nextString());
        }
    }

    /** Writes a number of seconds rounded to a given number of digits after the point. */
    private abstract static class Rounded extends TypeAdapter<Double> {

        private final double scale;

        Rounded(double scale) {
            this.scale = scale;
        }

        /** {@inheritDoc} */
        @Override
        public void write(JsonWriter out, Double value) throws IOException {
            out.value(Math.round(value * scale) / scale);
        }

        /** {@inheritDoc} */
        @Override
        public Double read(JsonReader in) throws IOException {
            return in.nextDouble();
        }
    }

    /** Seconds to the millisecond. */
    public static final class Millis extends Rounded {

        /** Creates the adapter. */
        public Millis() {
            super(1000);
        }
    }

    /** Seconds to the tenth. */
    public static final class Tenths extends Rounded {

        /** Creates the adapter. */
        public Tenths() {
            super(10);
        }
    }
}
