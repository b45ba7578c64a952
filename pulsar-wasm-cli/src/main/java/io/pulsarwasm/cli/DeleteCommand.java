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
        description = {
            "Delete a deployed function (pulsar-admin functions delete), and the packages Pulsar kept its NARs as; its topics stay."
        },
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
        String name = function.name(project.dir);
        try (PulsarAdmin admin = pulsar.admin()) {
            admin.functions().deleteFunction(function.tenant, function.namespace, name);
            // Pulsar 4.0 keeps the packages it stored the NARs as (one per version: deploy, then each
            // update) where package management is on, a standalone's default, and refuses a new
            // function of the same name while they are there (apache/pulsar#20930): they go too.
            String kept = "function://" + function.tenant + "/" + function.namespace + "/" + name;
            try {
                for (String version : admin.packages().listPackageVersions(kept)) {
                    try {
                        admin.packages().getMetadata(kept + "@" + version); // a version listed may be gone
                        admin.packages().delete(kept + "@" + version);
                    } catch (PulsarAdminException.NotFoundException e) {
                        // gone already
                    }
                }
            } catch (PulsarAdminException e) {
                spec.commandLine()
                        .getErr()
                        .println("the function is deleted; its packages (" + kept + "@...) could not be: "
                                + e.getMessage());
            }
        } catch (PulsarAdminException | RuntimeException e) {
            throw pulsar.failure("delete " + function.describe(project.dir), e);
        }
        spec.commandLine().getOut().println("Deleted " + function.describe(project.dir));
        return ExitCodes.OK;
    }
}
