package io.pulsarwasm.cli;

import io.pulsarwasm.tools.NarPackager;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which project a command works on: the current folder's, or {@code --dir}'s. */
final class ProjectOptions {

    @Option(
            names = "--dir",
            paramLabel = "<folder>",
            description = "the project's folder (default: the current one)",
            defaultValue = ".")
    Path dir;

    /** @return the project */
    Project project() {
        return Project.load(dir);
    }

    /**
     * @param project the project
     * @return its module, which its build writes
     * @throws CliException if it is not built
     */
    static Path builtModule(Project project) {
        Path module = project.module();
        if (!java.nio.file.Files.isRegularFile(module)) {
            throw CliException.usage(module + " does not exist: run pulsar-wasm build first");
        }
        return module;
    }

    /**
     * @param project the project
     * @return its type, checked against the module
     */
    static NarPackager.Type checkedType(Project project) {
        try {
            return NarPackager.check(builtModule(project), project.type(), project.userConfig());
        } catch (io.pulsarwasm.engine.WasmLoadException e) {
            throw CliException.build(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(project.dir().resolve(Project.FILE) + ": userConfig: " + e.getMessage());
        }
    }
}
