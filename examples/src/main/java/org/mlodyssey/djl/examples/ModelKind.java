/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.Locale;

/** The image classifiers of {@code odyssey train}, built from DJL blocks. */
public enum ModelKind {
    /** A multilayer perceptron: flatten, 256 and 128 ReLU units, the classes. */
    MLP,
    /**
     * LeNet-5 with ReLU and max pooling: 6 and 16 5x5 convolutions (28x28 inputs padded to 32x32),
     * 120 and 84 units, the classes.
     */
    LENET,
    /** The CIFAR ResNet-20 of He et al. (2016), {@link CifarResNet}. */
    RESNET20;

    /**
     * Builds an untrained block for images of a shape.
     *
     * @param channels the image channels
     * @param height the image height
     * @param classes the number of classes
     * @return the block, whose output is one logit per class
     */
    public Block build(int channels, int height, int classes) {
        switch (this) {
            case MLP:
                return new SequentialBlock()
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(256).build())
                        .add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(128).build())
                        .add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(classes).build());
            case LENET:
                return lenet(height, classes, 0);
            case RESNET20:
                return CifarResNet.build(20, classes);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Builds LeNet-5 with ReLU and max pooling, optionally with dropout before its second dense
     * layer.
     *
     * @param height the image height (28x28 inputs are padded to 32x32)
     * @param classes the number of classes
     * @param dropout the dropout rate, 0 for none
     * @return the untrained block
     */
    static Block lenet(int height, int classes, float dropout) {
        int pad = Math.max(0, (32 - height) / 2);
        SequentialBlock block =
                new SequentialBlock()
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(5, 5))
                                        .optPadding(new Shape(pad, pad))
                                        .setFilters(6)
                                        .build())
                        .add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(5, 5))
                                        .setFilters(16)
                                        .build())
                        .add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(120).build())
                        .add(Activation.reluBlock());
        if (dropout > 0) {
            block.add(Dropout.builder().optRate(dropout).build());
        }
        return block.add(Linear.builder().setUnits(84).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /**
     * Returns the name used on the command line.
     *
     * @return the lower-case name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
