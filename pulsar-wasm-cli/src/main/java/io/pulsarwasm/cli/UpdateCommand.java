package io.pulsarwasm.cli;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.UpdateOptionsImpl;
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

    @Override
    void submit(PulsarAdmin admin, FunctionConfig config, String nar) throws PulsarAdminException {
        admin.functions().updateFunction(config, nar, new UpdateOptionsImpl());
    }
}
