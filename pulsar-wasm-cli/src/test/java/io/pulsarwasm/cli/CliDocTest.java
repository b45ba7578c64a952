package io.pulsarwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** docs/cli.md against the command: its exit codes and its commands are the ones {@code --help} has. */
class CliDocTest {

    private static final Path DOC = Path.of("..", "docs", "cli.md");

    @Test
    void theExitCodesTableIsTheCommandsList() throws IOException {
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d) \\| (.+) \\|$").matcher(Files.readString(DOC));
        while (row.find()) {
            documented.add(row.group(1) + ":" + row.group(2));
        }
        assertEquals(
                Arrays.asList(PulsarWasmCli.class.getAnnotation(Command.class).exitCodeList()), documented);
        assertEquals(
                List.of(
                        ExitCodes.OK,
                        ExitCodes.FAILED,
                        ExitCodes.USAGE,
                        ExitCodes.TOOLCHAIN,
                        ExitCodes.BUILD,
                        ExitCodes.PULSAR),
                documented.stream()
                        .map(line -> Integer.parseInt(line.substring(0, 1)))
                        .toList());
    }

    @Test
    void everyCommandHasItsPlaceInTheManual() throws IOException {
        String doc = Files.readString(DOC);
        for (Class<?> command : PulsarWasmCli.class.getAnnotation(Command.class).subcommands()) {
            String name = command.getAnnotation(Command.class).name();
            if (!name.equals("help")) {
                assertEquals(true, doc.contains("`pulsar-wasm " + name), name + " is not in " + DOC);
            }
        }
    }
}
