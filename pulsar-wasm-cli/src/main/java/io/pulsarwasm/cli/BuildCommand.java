package io.pulsarwasm.cli;

import io.pulsarwasm.tools.NarPackager;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm build}: the language's build to the module, then the module checked as a function loads it. */
@Command(
        header = "Build the module and check that it loads as the function will load it.",
        name = "build",
        description = {
            "Build the project's module with its language's toolchain (pulsar-wasm.json's \"build\"), then load it "
                    + "as the function will, under the sandbox of the project's user config: a module that does not "
                    + "load, or JavaScript that does not compile, fails here."
        },
        mixinStandardHelpOptions = true)
final class BuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Override
    public Integer call() {
        Project loaded = project.project();
        NarPackager.Type type = build(loaded, spec.commandLine().getErr());
        spec.commandLine()
                .getOut()
                .println("Built " + loaded.dir().relativize(loaded.module()) + " (" + Runs.name(type) + ")");
        return ExitCodes.OK;
    }

    /**
     * Builds a project and checks its module.
     *
     * @param project the project
     * @param err where the build's commands are shown
     * @return the module's type
     */
    static NarPackager.Type build(Project project, PrintWriter err) {
        if (project.build() != null) {
            Tool.require(
                    project.language().buildTools(), "a " + project.language().displayName() + " build");
            Shell.run(project.build(), project.dir(), project.env(), "the build", err);
        }
        return ProjectOptions.checkedType(project);
    }
}
