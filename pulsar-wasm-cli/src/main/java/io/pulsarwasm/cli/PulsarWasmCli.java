package io.pulsarwasm.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code pulsar-wasm} command: a function author's loop from an empty folder to a function
 * running on Pulsar — {@code new}, {@code build}, {@code test}, {@code package}, {@code deploy},
 * {@code update}, {@code status}, {@code logs}, {@code delete} — and {@code replay}, which runs
 * messages from a topic (a dead-letter topic, say) through a module in-process. {@code docs/cli.md}
 * is its manual.
 */
@Command(
        name = "pulsar-wasm",
        mixinStandardHelpOptions = true,
        versionProvider = PulsarWasmCli.Version.class,
        description = {
            "WebAssembly and JavaScript functions for Apache Pulsar: make a project, build and test it, "
                    + "package and deploy it, and replay messages through it.",
            "",
            "A project is a folder with a pulsar-wasm.json (`new` writes one); run the other commands in it, or "
                    + "name it with --dir."
        },
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:checks ran and some failed (test cases; replayed messages that failed or differ)",
            "2:bad usage: an unknown option or language, a missing file, a malformed project or test file",
            "3:a toolchain the step needs is not installed (the message names the package)",
            "4:the build, the native tests or the module failed (does not compile, load or start)",
            "5:Pulsar was unreachable, or refused the request"
        },
        footer = {"", "See 'pulsar-wasm <command> --help' for a command's options; docs/cli.md has the manual."},
        subcommands = {
            NewCommand.class,
            BuildCommand.class,
            TestCommand.class,
            PackageCommand.class,
            DeployCommand.class,
            UpdateCommand.class,
            StatusCommand.class,
            LogsCommand.class,
            DeleteCommand.class,
            ReplayCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PulsarWasmCli implements Runnable {

    @Spec
    CommandSpec spec;

    private PulsarWasmCli() {}

    /**
     * Runs the command and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command.
     *
     * @param out where it prints its results
     * @param err where it prints progress and errors
     * @param args the command line
     * @return the exit code ({@code pulsar-wasm --help} lists them)
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new PulsarWasmCli())
                .setOut(out)
                .setErr(err)
                .setUsageHelpAutoWidth(true)
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof CliException failure) {
                        line.getErr().println("pulsar-wasm " + line.getCommandName() + ": " + failure.getMessage());
                        return failure.exitCode();
                    }
                    throw e;
                });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version, from the jar's manifest (the build's project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PulsarWasmCli.class.getPackage().getImplementationVersion();
            return new String[] {"pulsar-wasm " + (version != null ? version : "(development build)")};
        }
    }
}
