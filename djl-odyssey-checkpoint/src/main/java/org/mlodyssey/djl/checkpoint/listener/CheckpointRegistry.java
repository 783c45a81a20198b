/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import org.mlodyssey.djl.checkpoint.training.TrainingCheckpointManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed checkpoints a {@link CheckpointListener} manages, and what keeps each alive: the
 * retention rules ({@link RetentionPolicy}), the checkpoint the run resumed from, holds of readers,
 * and the rule that a checkpoint positioned after a newly committed one is never deleted for it.
 * Also numbers the saves (ordinals, across resumes) and knows the best monitored value.
 *
 * <p>Safe to use from the training thread and the writing thread.
 */
final class CheckpointRegistry {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointRegistry.class);

    private final CheckpointDirectory directory;
    private final RetentionPolicy retention;
    private final Monitor monitor;

    private final List<RetentionPolicy.Entry> committed = new ArrayList<>();
    private final Set<Path> resumedFrom = new HashSet<>();
    private final Map<Path, Integer> holds = new HashMap<>();
    private long nextOrdinal = 1;

    CheckpointRegistry(CheckpointDirectory directory, RetentionPolicy retention, Monitor monitor) {
        this.directory = directory;
        this.retention = retention;
        this.monitor = monitor;
    }

    /**
     * Registers the checkpoints an earlier run of a listener left (those with an ordinal); others
     * are left alone.
     *
     * @param listed the directory's checkpoints
     * @throws IllegalStateException if a listener's metadata value is malformed
     */
    synchronized void load(List<CheckpointDirectory.Listed> listed) {
        committed.clear();
        nextOrdinal = 1;
        for (CheckpointDirectory.Listed found : listed) {
            TrainingCheckpointManifest manifest = found.manifest();
            String ordinal = manifest.metadata().get(CheckpointListener.META_ORDINAL);
            if (ordinal == null) {
                continue; // not written by a listener
            }
            String value = manifest.metadata().get(CheckpointListener.META_MONITOR_VALUE);
            boolean sameMonitor =
                    monitor != null
                            && monitor.key()
                                    .equalsIgnoreCase(
                                            manifest.metadata()
                                                    .get(CheckpointListener.META_MONITOR));
            try {
                long n = Long.parseLong(ordinal);
                committed.add(
                        new RetentionPolicy.Entry(
                                found.directory(),
                                n,
                                sameMonitor && value != null ? Float.valueOf(value) : null));
                nextOrdinal = Math.max(nextOrdinal, n + 1);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(
                        found.directory() + " has a malformed checkpoint listener value", e);
            }
        }
    }

    /**
     * Takes the next ordinal.
     *
     * @return the how-manieth checkpoint of the run the next save is, from 1
     */
    synchronized long takeOrdinal() {
        return nextOrdinal++;
    }

    /**
     * Protects the checkpoint a run resumed from, for the rest of the run.
     *
     * @param checkpoint the checkpoint directory
     */
    synchronized void protect(Path checkpoint) {
        resumedFrom.add(checkpoint.toAbsolutePath().normalize());
    }

    /**
     * Forgets checkpoints no longer in the directory (moved aside).
     *
     * @param checkpoints their former directories
     */
    synchronized void forget(Collection<Path> checkpoints) {
        Set<Path> gone = new HashSet<>();
        for (Path p : checkpoints) {
            gone.add(p.toAbsolutePath().normalize());
        }
        committed.removeIf(e -> gone.contains(e.directory()));
    }

    /**
     * Returns the best monitored value among the registered checkpoints.
     *
     * @return the best value, or null without a monitor or value
     */
    synchronized Float best() {
        if (monitor == null) {
            return null;
        }
        Float best = null;
        for (RetentionPolicy.Entry e : committed) {
            if (e.metric() != null && monitor.isBetter(e.metric(), best)) {
                best = e.metric();
            }
        }
        return best;
    }

    /**
     * Returns the registered checkpoints.
     *
     * @return their directories, oldest (by ordinal) first
     */
    synchronized List<Path> list() {
        return committed.stream()
                .sorted(Comparator.comparingLong(RetentionPolicy.Entry::ordinal))
                .map(RetentionPolicy.Entry::directory)
                .collect(Collectors.toList());
    }

    /**
     * Holds a checkpoint against deletion.
     *
     * @param checkpoint the checkpoint directory
     * @throws IllegalStateException if it does not exist
     */
    synchronized void hold(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().normalize();
        if (!directory.exists(dir)) {
            throw new IllegalStateException("No checkpoint " + dir + " to hold");
        }
        holds.merge(dir, 1, Integer::sum);
    }

    /**
     * Releases one hold of a checkpoint.
     *
     * @param checkpoint the checkpoint directory, as held
     */
    synchronized void release(Path checkpoint) {
        holds.computeIfPresent(
                checkpoint.toAbsolutePath().normalize(), (k, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Registers a committed checkpoint, then deletes what the retention rules no longer keep,
     * sparing the new checkpoint, the resumed-from one, held ones and every one positioned after
     * the new one.
     *
     * @param checkpoint the committed directory
     * @param ordinal its ordinal
     * @param value its monitored value, or null
     */
    synchronized void committed(Path checkpoint, long ordinal, Float value) {
        Path added = checkpoint.toAbsolutePath().normalize();
        // A damaged checkpoint of the same position, registered at start, was moved aside by the
        // save: it no longer names this directory, and must not doom the new checkpoint.
        committed.removeIf(e -> e.directory().equals(added));
        committed.add(new RetentionPolicy.Entry(added, ordinal, value));
        Set<Path> keep = new HashSet<>(resumedFrom);
        keep.addAll(holds.keySet());
        keep.add(added);
        String position = added.getFileName().toString();
        for (RetentionPolicy.Entry e : committed) {
            if (e.directory().getFileName().toString().compareTo(position) > 0) {
                keep.add(e.directory()); // a save at a lower position never costs a later one
            }
        }
        for (RetentionPolicy.Entry doomed : retention.toDelete(committed, keep)) {
            try {
                directory.delete(doomed.directory());
                committed.remove(doomed);
                logger.debug("Deleted checkpoint {} (retention)", doomed.directory());
            } catch (IOException e) {
                logger.warn(
                        "Could not delete checkpoint {}: {}", doomed.directory(), e.toString(), e);
            }
        }
    }
}
