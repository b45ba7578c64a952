package io.pulsarwasm.cli;

import io.pulsarwasm.tools.NarPackager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm test}: build, the native tests, then the test file through the module in-process. */
@Command(
        header = "Build, run the native tests, then the test file through the module in-process.",
        name = "test",
        description = {
            "Build the module, run the language's native tests (pulsar-wasm.json's \"test\": cargo test, go test, "
                    + "node --test), then run the test file (\"tests\", tests.json) through the module in-process, "
                    + "exactly as a function instance runs it: each case on a new instance with the project's user "
                    + "config. Prints one line per case; exits 1 if any fails."
        },
        mixinStandardHelpOptions = true)
final class TestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Option(names = "--no-build", description = "test the module as it is, without building it first")
    boolean noBuild;

    @Option(names = "--no-native", description = "skip the language's native tests")
    boolean noNative;

    @Option(
            names = "--tests",
            paramLabel = "<file>",
            description = "the test file (default: pulsar-wasm.json's \"tests\")")
    Path tests;

    @Override
    public Integer call() {
        Project loaded = project.project();
        var err = spec.commandLine().getErr();
        NarPackager.Type type = noBuild ? ProjectOptions.checkedType(loaded) : BuildCommand.build(loaded, err);
        if (!noNative && loaded.test() != null) {
            Tool.require(loaded.language().testTools(), loaded.language().displayName() + "'s native tests");
            Shell.run(loaded.test(), loaded.dir(), loaded.env(), "the native tests", err);
        }
        Path file = tests != null ? tests : loaded.tests();
        if (file == null) {
            spec.commandLine().getOut().println("no test file: pulsar-wasm.json has no \"tests\"");
            return ExitCodes.OK;
        }
        TestFile testFile = TestFile.read(file);
        int failed = testFile.run(
                loaded.module(), type, loaded.userConfig(), spec.commandLine().getOut());
        if (failed > 0) {
            throw CliException.failed(failed + " of " + testFile.cases().size() + " cases in " + file + " failed");
        }
        return ExitCodes.OK;
    }
}
