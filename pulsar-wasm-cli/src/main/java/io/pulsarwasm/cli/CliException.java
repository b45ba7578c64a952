package io.pulsarwasm.cli;

/**
 * A failure the command reports as one line on standard error and an exit code, without a stack
 * trace: what was wrong, and where.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad input: an option, a file, a project that is not one. */
    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message, null);
    }

    /** A toolchain the step needs is not installed; the message names the package. */
    static CliException toolchain(String message) {
        return new CliException(ExitCodes.TOOLCHAIN, message, null);
    }

    /** A build, a native test run or a module load failed. */
    static CliException build(String message, Throwable cause) {
        return new CliException(ExitCodes.BUILD, message, cause);
    }

    /** Pulsar could not be reached, or refused the request. */
    static CliException pulsar(String message, Throwable cause) {
        return new CliException(ExitCodes.PULSAR, message, cause);
    }

    /** Checks ran and some failed: tests, or messages replayed. */
    static CliException failed(String message) {
        return new CliException(ExitCodes.FAILED, message, null);
    }

    int exitCode() {
        return exitCode;
    }
}
