package io.pulsarwasm.cli;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.FunctionConfig;
import picocli.CommandLine.Command;

/** {@code pulsar-wasm deploy}: {@code pulsar-admin functions create}, with the class and NAR chosen from the project. */
@Command(
        header = "Deploy the project as a Pulsar Function (pulsar-admin functions create).",
        name = "deploy",
        description = {
            "Deploy the project as a Pulsar Function (pulsar-admin functions create, through Pulsar's admin API): "
                    + "its NAR (packaged first when missing or older than the module), the function class its type "
                    + "runs with, and its user config. --dry-run prints the pulsar-admin line instead."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class DeployCommand extends Submission {

    @Override
    String verb() {
        return "create";
    }

    @Override
    boolean inputsRequired() {
        return true;
    }

    @Override
    void submit(PulsarAdmin admin, FunctionConfig config, String nar) throws PulsarAdminException {
        admin.functions().createFunction(config, nar);
    }
}
