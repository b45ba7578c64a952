package io.pulsarwasm.cli;

import java.util.concurrent.Callable;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.policies.data.ExceptionInformation;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm status}: how the function's instances are doing. */
@Command(
        header = "Show how a deployed function's instances are doing.",
        name = "status",
        description = {
            "Show a deployed function's instances: running or not, where, messages received and processed, "
                    + "failures, and each instance's latest failures (pulsar-admin functions status)."
        },
        mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {

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
        FunctionStatus status;
        try (PulsarAdmin admin = pulsar.admin()) {
            status = admin.functions().getFunctionStatus(function.tenant, function.namespace, name);
        } catch (PulsarAdminException | RuntimeException e) {
            throw pulsar.failure("read the status of " + function.describe(project.dir), e);
        }
        var out = spec.commandLine().getOut();
        out.println(function.describe(project.dir) + ": " + status.getNumRunning() + " of " + status.getNumInstances()
                + " instances running");
        for (FunctionStatus.FunctionInstanceStatus instance : status.getInstances()) {
            var data = instance.getStatus();
            out.println("  instance " + instance.getInstanceId() + ": " + (data.isRunning() ? "running" : "not running")
                    + (data.getWorkerId() != null ? " on " + data.getWorkerId() : "")
                    + (data.getError() != null && !data.getError().isEmpty() ? " (" + data.getError() + ")" : "")
                    + "; received " + data.getNumReceived() + ", processed " + data.getNumSuccessfullyProcessed()
                    + ", failed " + data.getNumUserExceptions() + " (user) + " + data.getNumSystemExceptions()
                    + " (system), restarts " + data.getNumRestarts());
            for (ExceptionInformation failure : data.getLatestUserExceptions()) {
                out.println("    " + failure.getExceptionString());
            }
            for (ExceptionInformation failure : data.getLatestSystemExceptions()) {
                out.println("    system: " + failure.getExceptionString());
            }
        }
        return ExitCodes.OK;
    }
}
