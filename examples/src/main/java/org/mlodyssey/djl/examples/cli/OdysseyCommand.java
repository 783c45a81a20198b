/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.io.UntrustedText;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code odyssey} command line: the entry point of {@code examples/target/odyssey.jar}. */
@Command(
        name = "odyssey",
        mixinStandardHelpOptions = true,
        versionProvider = OdysseyCommand.VersionProvider.class,
        description = "Datasets, checkpoints and exact resume for the Deep Java Library.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            PreviewCommand.class,
            PlotCommand.class,
            InspectCommand.class,
            ConvertCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class OdysseyCommand implements Runnable {

    /** The checkpoint writer's logger: its failures reach the user as the command's error. */
    static final String WRITER_LOG_KEY =
            "org.slf4j.simpleLogger.log.org.mlodyssey.djl.checkpoint.listener.SnapshotWriter";

    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    private boolean verbose;

    /**
     * Sets {@code --verbose}, accepted before or after the subcommand: on failure, print the stack
     * trace after the one-line message, and let the checkpoint writer log its failures in full.
     *
     * @param verbose whether to be verbose
     */
    @CommandLine.Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description =
                    "Show DJL's engine INFO lines, the checkpoint listener's per-save lines, the"
                            + " checkpoint writer's failure log and stack traces of failures.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose && "off".equals(System.getProperty(WRITER_LOG_KEY))) {
            System.setProperty(WRITER_LOG_KEY, "warn");
        }
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        quietLogs(args);
        System.exit(execute(args));
    }

    /**
     * Quiets the log lines a user of the command line does not need, unless {@code --verbose} is
     * among the arguments: the checkpoint listener's INFO lines (one per save, which would break
     * the progress bars on the standard error stream), DJL's INFO lines (engine loading), DJL's
     * CUDA probe warnings on machines without a GPU and the loopback S3 server's INFO lines. A
     * logger level the user set is kept. Takes effect for slf4j-simple loggers created afterwards,
     * so it is called before anything logs.
     *
     * @param args the command-line arguments
     */
    static void quietLogs(String... args) {
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            return;
        }
        quiet("org.mlodyssey.djl.checkpoint.listener", "warn");
        quiet("ai.djl", "warn");
        quiet("ai.djl.util.cuda", "error");
        // the loopback S3 server of `bench storage` (S3Proxy and its shaded Jetty) announces its
        // start and stop at INFO
        quiet("org.gaul", "warn");
        // A failed save (a full disk) reaches the user as the command's one-line error; the
        // writer's own log of it, a stack trace, is printed only with --verbose.
        if (System.getProperty(WRITER_LOG_KEY) == null) {
            System.setProperty(WRITER_LOG_KEY, "off");
        }
    }

    private static void quiet(String logger, String level) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }

    /**
     * Tells whether {@code --verbose} was given.
     *
     * @return true for verbose output
     */
    public boolean isVerbose() {
        return verbose;
    }

    /**
     * Runs the command line without exiting the JVM.
     *
     * @param args the command-line arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * Creates the command line; enum values (a dataset, a model, an optimizer) are accepted in any
     * case. A failure while a command runs is reported in one line, {@code odyssey <command>:
     * <message>}, with exit status 1 (and the stack trace after it with {@code --verbose}); a usage
     * error in two, the message and {@code see odyssey <command> --help}, with picocli's exit
     * status 2.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        OdysseyCommand root = new OdysseyCommand();
        CommandLine commandLine = new CommandLine(root);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(
                (e, args) -> {
                    CommandLine failed = e.getCommandLine();
                    failed.getErr().println(e.getMessage());
                    failed.getErr()
                            .println("see " + failed.getCommandSpec().qualifiedName() + " --help");
                    failed.getErr().flush();
                    return failed.getCommandSpec().exitCodeOnInvalidInput();
                });
        commandLine.setExecutionExceptionHandler(
                (e, failed, parseResult) -> {
                    java.io.PrintWriter err = failed.getErr();
                    err.println(failed.getCommandSpec().qualifiedName() + ": " + describe(e));
                    if (root.verbose) {
                        e.printStackTrace(err);
                    }
                    err.flush();
                    return 1;
                });
        return commandLine;
    }

    /**
     * Describes a failure for a one-line error message; network failures while fetching a dataset
     * say what to do offline. The message's control characters (from a file name or a tensor name
     * in it) are escaped, so that it cannot fake or erase other output; an unexpected exception
     * says how to get its stack trace.
     *
     * @param e the failure
     * @return the message
     */
    static String describe(Exception e) {
        String text = describeRaw(e);
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            sb.append(sb.length() == 0 ? "" : "\n").append(UntrustedText.escape(line));
        }
        if (!(e instanceof IOException)
                && !(e instanceof IllegalArgumentException)
                && !(e instanceof IllegalStateException)) {
            sb.append(" (an unexpected ")
                    .append(e.getClass().getSimpleName())
                    .append("; --verbose prints its stack trace)");
        }
        return sb.toString();
    }

    private static String describeRaw(Exception e) {
        // What the dataset downloader's HTTP client throws when it gets no connection (an
        // unknown host or a refused connection is a ConnectException) or no answer in time.
        if (e instanceof java.net.SocketException
                || e instanceof java.net.http.HttpTimeoutException) {
            return "the dataset's files are missing and could not be downloaded ("
                    + e
                    + "); put them in --data-dir (docs/datasets.md lists them), or run with"
                    + " -Dai.djl.offline=true to have the missing files listed";
        }
        if (e instanceof DatasetFormatException f
                && (f.getKind() == DatasetFormatException.Kind.TOO_LITTLE_DATA
                        || f.getKind() == DatasetFormatException.Kind.TOO_MUCH_DATA)
                && f.getMessage().contains("optCheckRecordCounts")) {
            return f.getMessage()
                    + "; on the command line, --no-check-record-counts reads such files";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Prints the usage when no subcommand is given. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version written into the jar by the build. */
    static final class VersionProvider implements CommandLine.IVersionProvider {

        /** {@inheritDoc} */
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = OdysseyCommand.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IllegalStateException(
                            "version.properties is missing from the odyssey jar");
                }
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read version.properties", e);
            }
            return new String[] {
                "odyssey " + properties.getProperty("version"),
                "DJL " + properties.getProperty("djl.version"),
                "Java " + System.getProperty("java.version")
            };
        }
    }
}
