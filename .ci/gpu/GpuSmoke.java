/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

public class GpuSmoke {
    public static void main(String[] args) {
        System.out.println("smoke: cudart gpu count " + ai.djl.util.cuda.CudaUtils.getGpuCount());
        Engine e = Engine.getInstance();
        System.out.println("smoke: engine " + e.getEngineName() + " " + e.getVersion() + " gpus " + e.getGpuCount());
        try (NDManager m = NDManager.newBaseManager(Device.gpu())) {
            NDArray a = m.arange(12f).reshape(3, 4);
            System.out.println("smoke: device " + a.getDevice());
            NDArray s = a.mul(2).sum();
            System.out.println("smoke: sum " + s.getFloat());
            NDArray c = a.toDevice(Device.cpu(), true);
            System.out.println("smoke: cpu copy " + java.util.Arrays.toString(c.toFloatArray()));
            NDArray h = a.toType(DataType.FLOAT16, true);
            System.out.println("smoke: fp16 " + h.getDataType() + " " + h.toType(DataType.FLOAT32, true).sum().getFloat());
            NDArray b = m.create(new float[] {1, 2, 3}).toDevice(Device.gpu(), false);
            b.setRequiresGradient(true);
            System.out.println("smoke: grad " + b.hasGradient() + " " + b.getDevice());
        }
        System.out.println("smoke: OK");
    }
}
