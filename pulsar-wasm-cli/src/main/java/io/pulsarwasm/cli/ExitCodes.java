package io.pulsarwasm.cli;

/** The exit codes of {@code pulsar-wasm}, as {@code --help} (PulsarWasmCli's exitCodeList) and {@code docs/cli.md} list them. */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** Checks ran and some failed: a test case, or a replayed message that failed or differs. */
    static final int FAILED = 1;
    /** Bad usage: an unknown option or language, a missing file, a malformed project or test file. */
    static final int USAGE = 2;
    /** A toolchain the step needs is not installed (the message names the package). */
    static final int TOOLCHAIN = 3;
    /** The build, the native tests or the module failed: it does not compile, load or start. */
    static final int BUILD = 4;
    /** Pulsar was unreachable, or refused the request (the message has its answer). */
    static final int PULSAR = 5;

    private ExitCodes() {}
}
