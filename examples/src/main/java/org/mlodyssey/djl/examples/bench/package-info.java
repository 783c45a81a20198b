/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/** Benchmarks that compare djl-odyssey with DJL's own paths; run them by hand, not as tests. */
package org.mlodyssey.djl.examples.bench;
