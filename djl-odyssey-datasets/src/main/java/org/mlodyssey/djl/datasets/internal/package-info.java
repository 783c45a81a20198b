/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Implementation types that several packages of djl-odyssey-datasets share (bounded input of data
 * files, payload buffers, archive extraction). Not API: they may change in any release, and the
 * javadoc leaves this package out.
 */
package org.mlodyssey.djl.datasets.internal;
