package io.pulsarwasm.it;

/**
 * What a command printed and how it exited.
 *
 * @param exitCode the process exit code
 * @param stdout standard output
 * @param stderr standard error
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    /**
     * Returns this result, or fails with the output when the command did not exit 0.
     *
     * @param command what was run, for the message
     * @return this result
     */
    public CommandResult orFail(String command) {
        if (exitCode != 0) {
            throw new IllegalStateException(command + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return this;
    }
}
