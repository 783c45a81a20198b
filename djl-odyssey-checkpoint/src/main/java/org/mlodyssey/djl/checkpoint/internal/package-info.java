/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/**
 * Implementation types that several packages of djl-odyssey-checkpoint share (JSON reading rules,
 * checksums, atomic writes, locks, host copies). Not API: they may change in any release, and the
 * javadoc leaves this package out.
 */
package org.mlodyssey.djl.checkpoint.internal;
