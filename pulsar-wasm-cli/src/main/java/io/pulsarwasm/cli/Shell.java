package io.pulsarwasm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a project's build or test command: {@code sh -c}, in the project's folder, output passed through. */
final class Shell {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

    private Shell() {}

    /**
     * Runs a command and fails unless it exits 0.
     *
     * @param command the shell command
     * @param dir where it runs
     * @param env variables to set; {@code ${NAME}} in a value is the variable's value now
     * @param what the step, for the failure's message ("the build")
     * @param err where to say what runs
     * @throws CliException if it exits non-zero
     */
    static void run(String command, Path dir, Map<String, String> env, String what, PrintWriter err) {
        err.println("> " + command);
        err.flush();
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", "-c", command))
                .directory(dir.toFile())
                .inheritIO();
        Map<String, String> environment = builder.environment();
        env.forEach((name, value) -> environment.put(name, expand(value, System.getenv())));
        int exit;
        try {
            exit = builder.start().waitFor();
        } catch (IOException e) {
            throw CliException.toolchain("cannot run sh for " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.build(what + " was interrupted", e);
        }
        if (exit != 0) {
            throw CliException.build(what + " failed (exit " + exit + "): " + command, null);
        }
    }

    /**
     * @param value a value with {@code ${NAME}} references
     * @param variables what the names stand for (absent: empty)
     * @return the value with each reference replaced
     */
    static String expand(String value, Map<String, String> variables) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
