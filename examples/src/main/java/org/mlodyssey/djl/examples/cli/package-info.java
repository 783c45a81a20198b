/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */

/** The {@code odyssey} command line and its subcommands. */
package org.mlodyssey.djl.examples.cli;
