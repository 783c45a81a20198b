/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Training checkpoints and exact resume of a DJL training run.
 *
 * <p>{@link org.mlodyssey.djl.checkpoint.training.TrainingSnapshot} captures parameters by stable
 * name, optimizer state ({@link org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapter}) and
 * {@link org.mlodyssey.djl.checkpoint.training.TrainingProgress}; {@link
 * org.mlodyssey.djl.checkpoint.training.ResumableTrainingLoop} trains from any epoch and batch with
 * a deterministic {@link org.mlodyssey.djl.checkpoint.training.SeedSchedule}, so a resumed run ends
 * bit-identical to an uninterrupted one.
 */
package org.mlodyssey.djl.checkpoint.training;
