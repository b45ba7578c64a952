package io.pulsarwasm.cli;

import java.util.concurrent.Callable;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm delete}: {@code pulsar-admin functions delete}. */
@Command(
        header = "Delete a deployed function.",
        name = "delete",
        description = {"Delete a deployed function (pulsar-admin functions delete); its topics stay."},
        mixinStandardHelpOptions = true)
final class DeleteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Mixin
    PulsarOptions pulsar;

    @Mixin
    FunctionName function;

    @Override
    public Integer call() {
        try (PulsarAdmin admin = pulsar.admin()) {
            admin.functions().deleteFunction(function.tenant, function.namespace, function.name(project.dir));
        } catch (PulsarAdminException | RuntimeException e) {
            throw pulsar.failure("delete " + function.describe(project.dir), e);
        }
        spec.commandLine().getOut().println("Deleted " + function.describe(project.dir));
        return ExitCodes.OK;
    }
}
