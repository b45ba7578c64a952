package io.pulsarwasm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a command printed and how it exited.
 *
 * @param exitCode the process exit code
 * @param stdout standard output
 * @param stderr standard error
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    /**
     * Runs a command to completion.
     *
     * @param command the program and its arguments
     * @param directory the working directory
     * @param timeout how long it may take; after that it is killed and this fails
     * @return its exit code and output
     */
    public static CommandResult run(List<String> command, Path directory, Duration timeout) {
        try {
            Path out = Files.createTempFile("command", ".out");
            Path err = Files.createTempFile("command", ".err");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("did not finish in " + timeout + ": " + String.join(" ", command));
                }
                return new CommandResult(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.delete(out);
                Files.delete(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns this result, or fails with the output when the command did not exit 0.
     *
     * @param command what was run, for the message
     * @return this result
     */
    public CommandResult orFail(String command) {
        if (exitCode != 0) {
            throw new IllegalStateException(
                    command + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return this;
    }
}
