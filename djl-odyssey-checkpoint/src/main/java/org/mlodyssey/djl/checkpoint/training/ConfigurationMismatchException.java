/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.training;

import java.nio.file.Path;
import org.mlodyssey.djl.checkpoint.format.Locations;

/**
 * Thrown when a run resumes from a checkpoint saved with another configuration: a setting the run
 * declared (such as the batch size or the learning rate) has another value in the checkpoint's
 * metadata. Nothing was restored.
 */
public class ConfigurationMismatchException extends IncompatibleCheckpointException {

    private static final long serialVersionUID = 1L;

    private final transient Path checkpoint;
    private final String key;
    private final String value;
    private final String savedValue;

    /**
     * Creates an exception naming the setting that differs.
     *
     * @param checkpoint the checkpoint directory
     * @param key the setting's metadata key
     * @param value its value in this run
     * @param savedValue its value in the checkpoint
     */
    public ConfigurationMismatchException(
            Path checkpoint, String key, String value, String savedValue) {
        super(
                "'"
                        + key
                        + "' is "
                        + value
                        + " in this run but "
                        + savedValue
                        + " in the checkpoint "
                        + Locations.of(checkpoint)
                        + ": resume with the same "
                        + key
                        + ", or start a new run in another directory");
        this.checkpoint = checkpoint;
        this.key = key;
        this.value = value;
        this.savedValue = savedValue;
    }

    /**
     * Returns the checkpoint that was not restored.
     *
     * @return its directory
     */
    public Path getCheckpoint() {
        return checkpoint;
    }

    /**
     * Returns the metadata key of the setting that differs.
     *
     * @return the key
     */
    public String getKey() {
        return key;
    }

    /**
     * Returns the setting's value in this run.
     *
     * @return the value
     */
    public String getValue() {
        return value;
    }

    /**
     * Returns the setting's value in the checkpoint.
     *
     * @return the saved value
     */
    public String getSavedValue() {
        return savedValue;
    }
}
