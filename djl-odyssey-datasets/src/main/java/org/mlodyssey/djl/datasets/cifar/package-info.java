/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Validating readers for the binary distributions of CIFAR-10 and CIFAR-100: the fixed-size record
 * files and the label-name files.
 *
 * <p>Nothing in this package knows about DJL.
 */
package org.mlodyssey.djl.datasets.cifar;
