/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The CIFAR ResNets of He et al., "Deep Residual Learning for Image Recognition" (2016), section
 * 4.2: a 3x3 convolution with 16 filters, then three stages of {@code n} basic blocks with 16, 32
 * and 64 filters (depth {@code 6n + 2}), the second and third stage halving the resolution in their
 * first block, global average pooling and one linear layer. Shortcuts are the paper's option A:
 * identity, and where the shape changes, the input subsampled by 2 and zero-padded with the new
 * channels (no parameters). ResNet-20 ({@code n = 3}) has 269,722 trainable parameters for 10
 * classes.
 */
public final class CifarResNet {

    private CifarResNet() {}

    /**
     * Builds an untrained CIFAR ResNet.
     *
     * @param depth the depth, {@code 6n + 2}: 20, 32, 44, 56, 110
     * @param classes the number of classes
     * @return the block; its input is (N, C, H, W), its output (N, classes) logits
     */
    public static Block build(int depth, int classes) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("A CIFAR ResNet has depth 6n+2, not " + depth);
        }
        int n = (depth - 2) / 6;
        SequentialBlock net = new SequentialBlock();
        net.add(conv3x3(16, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        int in = 16;
        for (int filters : new int[] {16, 32, 64}) {
            for (int i = 0; i < n; i++) {
                int stride = (i == 0 && filters != 16) ? 2 : 1;
                net.add(basicBlock(in, filters, stride));
                in = filters;
            }
        }
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    private static Block basicBlock(int in, int out, int stride) {
        SequentialBlock main =
                new SequentialBlock()
                        .add(conv3x3(out, stride))
                        .add(BatchNorm.builder().build())
                        .add(Activation.reluBlock())
                        .add(conv3x3(out, 1))
                        .add(BatchNorm.builder().build());
        Block shortcut =
                (in == out && stride == 1)
                        ? Blocks.identityBlock()
                        : new LambdaBlock(
                                x -> new NDList(subsampleAndPad(x.singletonOrThrow(), out)));
        return new SequentialBlock()
                .add(
                        new ParallelBlock(
                                branches ->
                                        new NDList(
                                                branches.get(0)
                                                        .singletonOrThrow()
                                                        .add(branches.get(1).singletonOrThrow())),
                                List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    /** Option A: every second pixel, the new channels zero, split evenly before and after. */
    private static NDArray subsampleAndPad(NDArray x, int out) {
        NDArray sub = x.get(new NDIndex(":, :, ::2, ::2"));
        Shape s = sub.getShape();
        long extra = out - s.get(1);
        long before = extra / 2;
        NDArray zerosBefore =
                x.getManager()
                        .zeros(
                                new Shape(s.get(0), before, s.get(2), s.get(3)),
                                x.getDataType(),
                                x.getDevice());
        NDArray zerosAfter =
                x.getManager()
                        .zeros(
                                new Shape(s.get(0), extra - before, s.get(2), s.get(3)),
                                x.getDataType(),
                                x.getDevice());
        return NDArrays.concat(new NDList(zerosBefore, sub, zerosAfter), 1);
    }

    private static Conv2d conv3x3(int filters, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .optBias(false)
                .setFilters(filters)
                .build();
    }
}
