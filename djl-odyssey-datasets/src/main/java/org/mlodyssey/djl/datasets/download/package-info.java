/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
/**
 * Downloading dataset archives: resumable, checksum-verified, atomically placed, with progress
 * through DJL's {@link ai.djl.util.Progress}.
 */
package org.mlodyssey.djl.datasets.download;
