/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

/** The models' shapes, and ResNet-20's size as in the paper. */
class ModelKindTest {

    @Test
    void resnet20HasThePapersParameterCountAndShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ModelKind.RESNET20.build(3, 32, 10);
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 32, 32));
            long trainable = 0;
            int convolutions = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable += p.getValue().getArray().size();
                }
                if (p.getValue().getArray().getShape().dimension() == 4) {
                    convolutions++;
                }
            }
            // 6n+2 = 20 weight layers: 19 convolutions and the linear layer (option A shortcuts
            // have no parameters).
            assertEquals(19, convolutions);
            assertEquals(269_722, trainable);
            NDList out =
                    block.forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.randomNormal(new Shape(2, 3, 32, 32))),
                            false);
            assertEquals(new Shape(2, 10), out.singletonOrThrow().getShape());
        }
    }

    @Test
    void everyModelMapsImagesToClassLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (ModelKind kind : ModelKind.values()) {
                for (int[] image : new int[][] {{1, 28}, {3, 32}}) {
                    Block block = kind.build(image[0], image[1], 7);
                    Shape in = new Shape(2, image[0], image[1], image[1]);
                    block.initialize(manager, DataType.FLOAT32, in);
                    NDList out =
                            block.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(manager.ones(in)),
                                    false);
                    assertEquals(
                            new Shape(2, 7), out.singletonOrThrow().getShape(), kind + " " + in);
                }
            }
        }
    }

    @Test
    void aCifarResNetDepthMustBe6nPlus2() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CifarResNet.build(21, 10));
        assertEquals("A CIFAR ResNet has depth 6n+2, not 21", e.getMessage());
    }
}
