/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/** Benchmarks that print djl-odyssey's figures side by side with DJL's own baseline. */
package org.mlodyssey.djl.examples.bench;
