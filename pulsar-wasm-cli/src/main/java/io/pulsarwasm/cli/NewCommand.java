package io.pulsarwasm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm new <language> <name>}: a function project with a handler, its native test, a build and a test file. */
@Command(
        header = "Make a function project in a language, ready to build, test and deploy.",
        name = "new",
        description = {
            "Make a function project: a handler, its native unit test, the language's build file, a test file of "
                    + "inputs and expected outputs (tests.json) and pulsar-wasm.json. Offline: the project builds "
                    + "with this installation's SDKs (sdk/)."
        },
        mixinStandardHelpOptions = true)
final class NewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "<language>",
            description = "rust, c, assemblyscript (as), javascript (js) or go")
    String language;

    @Parameters(
            index = "1",
            paramLabel = "<name>",
            description = "the function's name: lower-case letters, digits, '-'")
    String name;

    @Option(
            names = "--dir",
            paramLabel = "<folder>",
            description = "where to make it (default: ./<name>); absent or empty")
    Path dir;

    @Override
    public Integer call() {
        Language chosen = Language.of(language);
        Path target = dir != null ? dir : Path.of(name);
        List<Path> files = Templates.write(chosen, name, target, Home.current().sdk());
        var out = spec.commandLine().getOut();
        out.println("Made the " + chosen.displayName() + " function '" + name + "' in " + target + ":");
        files.forEach(file -> out.println("  " + file));
        out.println(
                "Next: cd " + target + " && pulsar-wasm test && pulsar-wasm deploy --inputs <topic> --output <topic>");
        return ExitCodes.OK;
    }
}
