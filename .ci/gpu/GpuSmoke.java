/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import java.util.Arrays;

/**
 * The GPU check's smoke test (run.sh): DJL sees the GPUs that PyTorch sees, takes a GPU as its
 * default device (as the unit suites' run relies on), and computes on it. Exits 1 on the first
 * thing that is not so; an exception exits 1 too. Argument: the GPU count PyTorch reports.
 */
public class GpuSmoke {
    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("smoke: FAILED: " + what);
            System.exit(1);
        }
    }

    public static void main(String[] args) {
        int expected = Integer.parseInt(args[0]);
        check(expected > 0, "PyTorch reports no GPU");
        int cudart = CudaUtils.getGpuCount();
        System.out.println("smoke: cudart gpu count " + cudart);
        check(cudart == expected, "DJL's CUDA runtime sees " + cudart + " GPUs, PyTorch " + expected);
        Engine e = Engine.getInstance();
        System.out.println("smoke: engine " + e.getEngineName() + " " + e.getVersion() + " gpus " + e.getGpuCount()
                + " default device " + e.defaultDevice());
        check("PyTorch".equals(e.getEngineName()), "the engine is " + e.getEngineName());
        check(e.getGpuCount() == expected, "the engine sees " + e.getGpuCount() + " GPUs, PyTorch " + expected);
        check(e.defaultDevice().isGpu(), "the default device is " + e.defaultDevice());
        try (NDManager m = NDManager.newBaseManager(Device.gpu())) {
            NDArray a = m.arange(12f).reshape(3, 4);
            System.out.println("smoke: device " + a.getDevice());
            check(a.getDevice().isGpu(), "an array made on gpu() is on " + a.getDevice());
            float sum = a.mul(2).sum().getFloat();
            System.out.println("smoke: sum " + sum);
            check(sum == 132f, "2 * (0 + 1 + ... + 11) gave " + sum);
            NDArray c = a.toDevice(Device.cpu(), true);
            float[] values = c.toFloatArray();
            System.out.println("smoke: cpu copy " + Arrays.toString(values));
            check(!c.getDevice().isGpu() && values.length == 12 && values[11] == 11f, "the CPU copy");
            NDArray h = a.toType(DataType.FLOAT16, true);
            float half = h.toType(DataType.FLOAT32, true).sum().getFloat();
            System.out.println("smoke: fp16 " + h.getDataType() + " " + half);
            check(h.getDataType() == DataType.FLOAT16 && half == 66f, "the fp16 round trip gave " + half);
            NDArray b = m.create(new float[] {1, 2, 3}).toDevice(Device.gpu(), false);
            b.setRequiresGradient(true);
            System.out.println("smoke: grad " + b.hasGradient() + " " + b.getDevice());
            check(b.hasGradient() && b.getDevice().isGpu(), "a GPU array that requires a gradient");
        }
        System.out.println("smoke: OK");
    }
}
