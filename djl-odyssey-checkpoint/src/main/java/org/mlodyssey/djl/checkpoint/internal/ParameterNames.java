/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.internal;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The stable names of a block's parameters, and the run-specific ids they stand for.
 *
 * <p>DJL identifies a parameter inside the trainer and the optimizers by {@link Parameter#getId()},
 * a random id that differs every run. A checkpoint names a parameter by its path in the block tree
 * instead (the names of {@link Block#getParameters()}, such as {@code 01Linear_weight}), which is
 * the same for the same model architecture in every run.
 */
public final class ParameterNames {

    private final Map<String, Parameter> byName;
    private final Map<String, String> nameById;

    private ParameterNames(Map<String, Parameter> byName) {
        this.byName = Collections.unmodifiableMap(byName);
        Map<String, String> ids = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : byName.entrySet()) {
            ids.put(entry.getValue().getId(), entry.getKey());
        }
        this.nameById = Collections.unmodifiableMap(ids);
    }

    /**
     * Collects the parameter names of a block, in the block's order.
     *
     * @param block the block, usually {@code model.getBlock()}
     * @return the names
     * @throws IllegalArgumentException if two parameters share a name
     */
    public static ParameterNames of(Block block) {
        Objects.requireNonNull(block, "block");
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter previous = byName.put(pair.getKey(), pair.getValue());
            if (previous != null) {
                throw new IllegalArgumentException(
                        "Two parameters of block "
                                + block.getClass().getName()
                                + " share the name '"
                                + pair.getKey()
                                + "'");
            }
        }
        return new ParameterNames(byName);
    }

    /**
     * Returns the parameters by name, in the block's order.
     *
     * @return an unmodifiable map
     */
    public Map<String, Parameter> parameters() {
        return byName;
    }

    /**
     * Returns the stable name of the parameter with a given id.
     *
     * @param parameterId the id of this run
     * @return the name
     * @throws IllegalArgumentException if no parameter of the block has this id
     */
    public String nameOf(String parameterId) {
        String name = nameById.get(parameterId);
        if (name == null) {
            throw new IllegalArgumentException(
                    "No parameter of the model has id '" + parameterId + "'");
        }
        return name;
    }

    /**
     * Tells whether the block has a parameter of this name.
     *
     * @param name the stable name
     * @return true if it has
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }
}
