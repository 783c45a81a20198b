/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Automatic training checkpoints: {@link org.mlodyssey.djl.checkpoint.listener.CheckpointListener},
 * a DJL training listener (and a step listener of the resumable training loop) that decides when to
 * save, which checkpoints to keep, and hands the writing to a background thread; plus the one call
 * that resumes.
 *
 * <p>The listener only wires three parts: a trigger policy (when), a retention policy (which to
 * keep) and a writer (how, on which thread); package-private classes of one job each follow the
 * training position, hold the directory's lock, resume, and end the run. The saving itself is
 * {@link org.mlodyssey.djl.checkpoint.training.CheckpointDirectories}'s.
 */
package org.mlodyssey.djl.checkpoint.listener;
