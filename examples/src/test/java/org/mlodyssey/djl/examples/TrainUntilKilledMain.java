/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.mlodyssey.djl.examples.cli.TrainCommand;

/**
 * A child JVM for {@link TrainKillAndResumeIT}: {@code <step> <odyssey train arguments...>} trains
 * as {@code odyssey train} does, and after step {@code <step>} prints {@code BLOCKED} and waits to
 * be killed, while the checkpoint listener's writing thread goes on committing.
 */
public final class TrainUntilKilledMain {

    private TrainUntilKilledMain() {}

    /**
     * Trains until the step, then blocks.
     *
     * @param args the step, then the arguments of {@code odyssey train}
     * @throws Exception if training fails
     */
    public static void main(String[] args) throws Exception {
        long block = Long.parseLong(args[0]);
        RunListener blocker =
                (trainer, progress) -> {
                    if (progress.globalStep() == block) {
                        System.out.println("BLOCKED " + block);
                        System.out.flush();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted instead of killed", e);
                        }
                    }
                };
        TrainClassifier.train(
                TrainCommand.parse(Arrays.copyOfRange(args, 1, args.length)), List.of(blocker));
        throw new IllegalStateException("the run ended without reaching step " + block);
    }
}
