package io.pulsarwasm.cli;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.UpdateOptionsImpl;
import org.apache.pulsar.packages.management.core.common.PackageMetadata;
import picocli.CommandLine.Command;

/** {@code pulsar-wasm update}: {@code pulsar-admin functions update} with the project's new module. */
@Command(
        header = "Update a deployed function with the module as it is now.",
        name = "update",
        description = {
            "Update a deployed function with the project's module as it is now (packaged again when older than "
                    + "the module) and its user config (pulsar-admin functions update). Options left out keep their "
                    + "deployed values; the user config is replaced by the project's with --user-config over it."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class UpdateCommand extends Submission {

    @Override
    String verb() {
        return "update";
    }

    @Override
    boolean inputsRequired() {
        return false;
    }

    /**
     * Where the functions worker's package management is on (a standalone's default), the NAR goes
     * up as a package of its own and the function is updated to that package's URL: Pulsar 4.0.8's
     * {@code functions update} with a file there stores the function's first package again under
     * the new version, so the instance goes on running the old module (seen with {@code pulsar-admin
     * functions update --jar} too). Where it is off — the packages service refuses the upload, or
     * the worker refuses the URL — the file is sent as {@code pulsar-admin} sends it.
     */
    @Override
    void submit(PulsarAdmin admin, FunctionConfig config, String nar) throws PulsarAdminException {
        String url = "function://" + config.getTenant() + "/" + config.getNamespace() + "/" + config.getName() + "@"
                + System.currentTimeMillis();
        try {
            admin.packages()
                    .upload(
                            PackageMetadata.builder()
                                    .description("uploaded by pulsar-wasm update")
                                    .build(),
                            url,
                            nar);
        } catch (PulsarAdminException e) {
            admin.functions().updateFunction(config, nar, new UpdateOptionsImpl());
            return;
        }
        try {
            admin.functions().updateFunctionWithUrl(config, url, new UpdateOptionsImpl());
        } catch (PulsarAdminException e) {
            if (e.getStatusCode() != 400 || !String.valueOf(e.getMessage()).contains("Package management")) {
                throw e;
            }
            admin.packages().delete(url); // the worker does not read packages: the file it is
            admin.functions().updateFunction(config, nar, new UpdateOptionsImpl());
        }
    }
}
