/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlodyssey.djl.checkpoint.internal.ParameterNames;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectories;
import org.mlodyssey.djl.checkpoint.training.OptimizerState;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapter;
import org.mlodyssey.djl.checkpoint.training.OptimizerStateAdapters;
import org.mlodyssey.djl.checkpoint.training.TinyTraining;
import org.mlodyssey.djl.checkpoint.training.TinyTraining.OptimizerKind;
import org.mlodyssey.djl.checkpoint.training.TrainingProgress;

/** The failure bookkeeping at the end of a run (TinyTraining, resumable loop). */
class EndOfRunTest {

    /** Captures the optimizer state as the built-in adapters do, until told to fail. */
    private static final class BreakableAdapter implements OptimizerStateAdapter {

        private final AtomicBoolean broken = new AtomicBoolean();

        private static OptimizerStateAdapter builtIn(Optimizer optimizer) {
            return OptimizerStateAdapters.builtIn().forOptimizer(optimizer);
        }

        @Override
        public boolean supports(Optimizer optimizer) {
            return true;
        }

        @Override
        public OptimizerState capture(Optimizer optimizer, ParameterNames names, Device[] devices) {
            if (broken.get()) {
                throw new IllegalStateException("the optimizer state cannot be read");
            }
            return builtIn(optimizer).capture(optimizer, names, devices);
        }

        @Override
        public void restore(
                Optimizer optimizer,
                OptimizerState state,
                ParameterNames names,
                Device[] devices,
                NDManager manager) {
            builtIn(optimizer).restore(optimizer, state, names, devices, manager);
        }
    }

    /**
     * A listener that saves every 2 steps and at the end; the write of step 2 fails (its root is a
     * regular file), reported at close.
     */
    private static CheckpointListener failingAtStep2(
            Path root, Path blocker, OptimizerStateAdapter adapter) {
        return CheckpointListener.builder()
                .setDirectory(root)
                .optEveryEpochs(0)
                .optEverySteps(2)
                .optAtEnd(true)
                .optFailurePolicy(FailurePolicy.FAIL_AT_END)
                .optOptimizerStateAdapters(OptimizerStateAdapters.builtIn().with(adapter))
                .optSaver(
                        (dir, snapshot, meta) ->
                                CheckpointDirectories.save(
                                        snapshot.getProgress().globalStep() == 2 ? blocker : dir,
                                        snapshot,
                                        meta))
                .build();
    }

    @Test
    void aSaveAtTheEndFailingBeforeItsWriteIsThrownAtCloseWithTheWriteFailureSuppressed(
            @TempDir Path dir) throws Exception {
        Path root = dir.resolve("ckpt");
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        BreakableAdapter adapter = new BreakableAdapter();
        CheckpointListener listener = failingAtStep2(root, blocker, adapter);
        try (TinyTraining run = new TinyTraining(OptimizerKind.ADAM, 1, false, listener)) {
            run.train(TrainingProgress.start(1), 3, listener);
            adapter.broken.set(true); // the snapshot at the end cannot be taken
            run.trainer().close(); // onTrainingEnd throws nothing
            assertFalse(run.trainer().getManager().isOpen(), "DJL closed the trainer's manager");

            RuntimeException e = assertThrows(RuntimeException.class, listener::close);
            assertInstanceOf(IllegalStateException.class, e);
            assertEquals("the optimizer state cannot be read", e.getMessage());
            assertEquals(1, e.getSuppressed().length);
            CheckpointWriteException write =
                    assertInstanceOf(CheckpointWriteException.class, e.getSuppressed()[0]);
            assertEquals(
                    root.resolve(
                            CheckpointDirectories.directoryName(
                                    new TrainingProgress(0, 0, 2, 2, List.of()))),
                    write.getCheckpoint());
            listener.close(); // thrown once
        }
    }
}
