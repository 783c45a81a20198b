/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which committed checkpoints to delete; knows nothing of trainers and deletes nothing
 * itself.
 *
 * <p>A checkpoint is kept when any of these holds, and deleted otherwise:
 *
 * <ul>
 *   <li>it is the newest (always kept: a resume needs it);
 *   <li>it is among the {@code keepLast} newest;
 * </ul>
 *
 * <p>"Newest" is by ordinal, the order in which the run saved them, not by position: after a resume
 * from an earlier checkpoint, a new checkpoint can sit at a position before that of an older one.
 *
 * <ul>
 *   <li>it is among the {@code keepBest} best by the monitored metric (checkpoints without a value
 *       do not compete; ties go to the older);
 *   <li>its ordinal (the how-manieth checkpoint of the run, counting from 1, across resumes) is a
 *       multiple of {@code keepEvery};
 *   <li>it is protected: the checkpoint the run resumed from, or one held open for reading.
 * </ul>
 *
 * With no rule set ({@code keepLast} unbounded, the others 0) everything is kept.
 */
final class RetentionPolicy {

    /** {@code keepLast} for keeping every checkpoint. */
    static final int KEEP_ALL = Integer.MAX_VALUE;

    private final int keepLast;
    private final int keepBest;
    private final int keepEvery;
    private final Monitor monitor;

    /**
     * A committed checkpoint the policy chooses among.
     *
     * @param directory its directory
     * @param ordinal the how-manieth checkpoint of the run, from 1; orders checkpoints by age
     * @param metric its monitored value, or {@code null}
     */
    record Entry(Path directory, long ordinal, Float metric) {}

    /**
     * Creates a retention policy.
     *
     * @param keepLast how many of the newest to keep, at least 1, or {@link #KEEP_ALL}
     * @param keepBest how many of the best to keep, or 0
     * @param keepEvery keep each checkpoint whose ordinal is a multiple of this, or 0
     * @param monitor the metric ranking the best; required when {@code keepBest > 0}
     * @throws IllegalArgumentException if a setting is out of range (the only place these settings
     *     are checked)
     */
    RetentionPolicy(int keepLast, int keepBest, int keepEvery, Monitor monitor) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, got " + keepLast);
        }
        if (keepBest < 0 || keepEvery < 0) {
            throw new IllegalArgumentException(
                    "Negative retention: keepBest " + keepBest + ", keepEvery " + keepEvery);
        }
        if (keepBest > 0 && monitor == null) {
            throw new IllegalArgumentException("keepBest needs a monitored metric (optMonitor)");
        }
        this.keepLast = keepLast;
        this.keepBest = keepBest;
        this.keepEvery = keepEvery;
        this.monitor = monitor;
    }

    /**
     * Chooses the checkpoints to delete.
     *
     * @param committed the committed checkpoints, in any order
     * @param protectedDirectories directories never to delete
     * @return the checkpoints to delete, oldest first
     */
    List<Entry> toDelete(List<Entry> committed, Set<Path> protectedDirectories) {
        List<Entry> byAge = new ArrayList<>(committed);
        byAge.sort(Comparator.comparingLong(Entry::ordinal));
        Set<Entry> keep = new LinkedHashSet<>();
        int n = byAge.size();
        if (n > 0) {
            keep.add(byAge.get(n - 1));
        }
        keep.addAll(byAge.subList(Math.max(0, n - Math.min(keepLast, n)), n));
        if (keepBest > 0) {
            List<Entry> ranked = new ArrayList<>();
            for (Entry e : byAge) {
                if (e.metric() != null && !Float.isNaN(e.metric())) {
                    ranked.add(e);
                }
            }
            Comparator<Entry> better = Comparator.comparing(Entry::metric);
            if (monitor.mode() == Monitor.Mode.MAX) {
                better = better.reversed();
            }
            ranked.sort(better); // stable: ties keep the older first
            keep.addAll(ranked.subList(0, Math.min(keepBest, ranked.size())));
        }
        List<Entry> delete = new ArrayList<>();
        for (Entry e : byAge) {
            boolean permanent = keepEvery > 0 && e.ordinal() % keepEvery == 0;
            if (!keep.contains(e)
                    && !permanent
                    && !protectedDirectories.contains(e.directory().toAbsolutePath())) {
                delete.add(e);
            }
        }
        return delete;
    }
}
