package io.pulsarwasm.cli;

import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.tools.NarPackager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm package}: the module bundled into a function NAR of its own. */
@Command(
        header = "Bundle the module into a function NAR of its own.",
        name = "package",
        description = {
            "Bundle the project's built module (or --module's) into a function NAR of its own: the generic NAR, "
                    + "the module, and the function class for its type. The module is checked against the user "
                    + "config it will run with (its wasm.* sandbox and limits). Writes <name>.nar in the project."
        },
        mixinStandardHelpOptions = true)
final class PackageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Option(
            names = "--module",
            paramLabel = "<file>",
            description = "a .wasm, .js or .mjs to package instead of a project's (no pulsar-wasm.json needed)")
    Path module;

    @Option(
            names = "--type",
            paramLabel = "<type>",
            description =
                    "long, bytes, string, record or window (default: the project's; else by the module's entry point)")
    String type;

    @Option(
            names = "--user-config",
            paramLabel = "<json>",
            description = "the user config it will be deployed with, laid over the project's")
    String userConfig;

    @Option(names = "--output", paramLabel = "<nar>", description = "where to write the NAR (default: <name>.nar)")
    Path output;

    @Override
    public Integer call() {
        Packaged packaged;
        if (module != null) {
            Map<String, Object> config = UserConfig.parse(userConfig);
            NarPackager.Type chosen = type == null ? null : Project.parseType(type, "--type");
            String base = module.getFileName().toString().replaceFirst("\\.(wasm|m?js)$", "");
            packaged = write(module, chosen, config, output != null ? output : Path.of(base + ".nar"));
        } else {
            packaged = packageProject(project.project(), type, userConfig, output);
        }
        spec.commandLine()
                .getOut()
                .println("Wrote " + packaged.nar() + " (" + packaged.type().functionClass() + ")");
        return ExitCodes.OK;
    }

    /** A written NAR and the type its module runs with. */
    record Packaged(Path nar, NarPackager.Type type) {}

    /**
     * Packages a project's module.
     *
     * @param project the project
     * @param type a type over the project's, or null
     * @param userConfig JSON laid over the project's user config, or null
     * @param output where to write, or null for the project's {@code <name>.nar}
     * @return what was written
     */
    static Packaged packageProject(Project project, String type, String userConfig, Path output) {
        Map<String, Object> config = new LinkedHashMap<>(project.userConfig());
        config.putAll(UserConfig.parse(userConfig));
        NarPackager.Type chosen = type != null ? Project.parseType(type, "--type") : project.type();
        return write(ProjectOptions.builtModule(project), chosen, config, output != null ? output : project.nar());
    }

    private static Packaged write(Path module, NarPackager.Type type, Map<String, Object> config, Path output) {
        if (!Files.isRegularFile(module)) {
            throw CliException.usage(module + " does not exist");
        }
        try {
            NarPackager.Type used =
                    NarPackager.packageModule(Home.current().genericNar(), module, type, config, output);
            return new Packaged(output.toAbsolutePath().normalize(), used);
        } catch (WasmLoadException e) {
            throw CliException.build(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("user config: " + e.getMessage());
        }
    }
}
