package io.pulsarwasm.cli;

import picocli.CommandLine.Option;

/** Which function: {@code --tenant}, {@code --namespace}, {@code --name}, as {@code pulsar-admin functions} names it. */
final class FunctionName {

    @Option(names = "--tenant", paramLabel = "<tenant>", description = "the function's tenant (default: public)")
    String tenant = "public";

    @Option(
            names = "--namespace",
            paramLabel = "<namespace>",
            description = "the function's namespace (default: default)")
    String namespace = "default";

    @Option(names = "--name", paramLabel = "<name>", description = "the function's name (default: the project's)")
    String name;

    /**
     * @param projectDir where a project may be, to take its name from
     * @return the name
     */
    String name(java.nio.file.Path projectDir) {
        if (name != null) {
            return name;
        }
        Project project = Project.find(projectDir);
        if (project != null) {
            return project.name();
        }
        throw CliException.usage("which function? give --name (or run in a project's folder)");
    }

    /** @return tenant/namespace/name, for messages */
    String describe(java.nio.file.Path projectDir) {
        return tenant + "/" + namespace + "/" + name(projectDir);
    }
}
