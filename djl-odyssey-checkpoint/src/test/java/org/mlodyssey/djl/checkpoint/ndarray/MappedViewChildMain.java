/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.ndarray;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;

/**
 * A child JVM for {@link MappedViewLifetimeIT}: loads a checkpoint of float tensors {@code t0..t2}
 * (element i of tj = j * 10000 + i, 1024 each) zero-copy, makes views of them, closes the arrays
 * the views were made from, then reads the views. Where the mapping went with the arrays, the reads
 * touch unmapped memory and the JVM dies of SIGSEGV; otherwise it prints one line per view and
 * {@code DONE}.
 *
 * <p>Arguments: {@code views FILE} (views in the load's manager) or {@code moved FILE} (the array
 * moved to another manager, the load's manager closed, the array closed, its view read), {@code
 * detached FILE} (the array detached, the load's manager closed, the array read), {@code elsewhere
 * FILE} (views made straight into another manager with {@code get(manager, ...)}, the load's
 * manager closed, the views read) or {@code interned FILE} (another array takes the array's engine
 * tensor over with {@code intern}, the load's manager closed, that array read).
 */
public final class MappedViewChildMain {

    private MappedViewChildMain() {}

    /**
     * Runs one scenario.
     *
     * @param args the scenario and the checkpoint file
     * @throws Exception if the load fails
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        switch (args[0]) {
            case "views":
                views(file);
                break;
            case "moved":
                moved(file);
                break;
            case "detached":
                detached(file);
                break;
            case "elsewhere":
                elsewhere(file);
                break;
            default:
                interned(file);
        }
        System.out.println("DONE");
    }

    private static void views(Path file) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> arrays = NDArrayFiles.load(file, manager, Device.cpu());
            NDArray t1 = arrays.get("t1");
            NDArray reshaped = t1.reshape(32, 32);
            NDArray row = t1.get(new NDIndex("10:20"));
            NDArray transposed = reshaped.transpose();
            NDArray flat = arrays.get("t2").flatten();
            arrays.values().forEach(NDArray::close);
            System.gc();
            println("RESHAPE", reshaped.getFloat(3, 5));
            println("GET", row.getFloat(4));
            println("TRANSPOSE", transposed.getFloat(5, 3));
            println("FLATTEN", flat.getFloat(1023));
        }
    }

    private static void moved(Path file) throws Exception {
        try (NDManager other = NDManager.newBaseManager(Device.cpu())) {
            NDManager loaded = NDManager.newBaseManager(Device.cpu());
            NDArray t0 = NDArrayFiles.load(file, loaded, Device.cpu()).get("t0");
            t0.attach(other);
            NDArray view = t0.reshape(new Shape(4, 256));
            loaded.close();
            t0.close();
            System.gc();
            println("MOVED", view.getFloat(2, 7));
        }
    }

    private static void detached(Path file) throws Exception {
        NDManager loaded = NDManager.newBaseManager(Device.cpu());
        NDArray t1 = NDArrayFiles.load(file, loaded, Device.cpu()).get("t1");
        t1.detach();
        loaded.close();
        System.gc();
        println("DETACHED", t1.toFloatArray()[7]);
        t1.close();
    }

    private static void elsewhere(Path file) throws Exception {
        try (NDManager other = NDManager.newBaseManager(Device.cpu())) {
            NDManager loaded = NDManager.newBaseManager(Device.cpu());
            NDArray t2 = NDArrayFiles.load(file, loaded, Device.cpu()).get("t2");
            NDArray row = t2.get(other, new NDIndex("100:200"));
            NDArray one = t2.reshape(4, 256).get(other, 3);
            loaded.close();
            System.gc();
            println("ELSEWHERE", row.getFloat(5));
            println("ELSEWHERE", one.getFloat(9));
        }
    }

    private static void interned(Path file) throws Exception {
        try (NDManager other = NDManager.newBaseManager(Device.cpu())) {
            NDManager loaded = NDManager.newBaseManager(Device.cpu());
            NDArray t0 = NDArrayFiles.load(file, loaded, Device.cpu()).get("t0");
            NDArray taker = other.zeros(new Shape(1024));
            taker.intern(t0);
            loaded.close();
            System.gc();
            println("INTERNED", taker.getFloat(11));
        }
    }

    private static void println(String label, float value) {
        System.out.println(label + " " + value);
    }
}
