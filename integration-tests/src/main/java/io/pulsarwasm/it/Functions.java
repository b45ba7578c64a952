package io.pulsarwasm.it;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.policies.data.FunctionStatus;

/** Function lifecycle steps the suite and the demo share. */
public final class Functions {

    private Functions() {}

    /**
     * Deletes a function and the package its NAR was stored as, so that the name can be used
     * again: Pulsar 4.0.8 standalone keeps {@code function://tenant/ns/name@0} otherwise
     * (apache/pulsar#20930). Missing ones are fine.
     *
     * @param admin the admin client
     * @param name function name in {@code public/default}
     */
    public static void delete(PulsarAdmin admin, String name) throws PulsarAdminException {
        try {
            admin.functions().deleteFunction("public", "default", name);
        } catch (PulsarAdminException.NotFoundException e) {
            // not deployed
        }
        String kept = "function://public/default/" + name + "@0";
        try {
            admin.packages().getMetadata(kept);
        } catch (PulsarAdminException.NotFoundException e) {
            return; // deleting a missing package fails with HTTP 500, so look first
        }
        admin.packages().delete(kept);
    }

    /**
     * What a function is doing, for a failure message: its status as the admin API reports it
     * (instances running, restarts, the latest errors) and the end of its log. Never throws: what
     * cannot be read is named instead.
     *
     * @param pulsar the cluster the function runs on
     * @param admin the admin client
     * @param name function name in {@code public/default}
     * @return a few lines describing the function
     */
    public static String explain(PulsarCluster pulsar, PulsarAdmin admin, String name) {
        StringBuilder text = new StringBuilder("function '" + name + "': ");
        try {
            FunctionStatus status = admin.functions().getFunctionStatus("public", "default", name);
            text.append(status.getNumRunning())
                    .append(" of ")
                    .append(status.getNumInstances())
                    .append(" running");
            for (FunctionStatus.FunctionInstanceStatus instance : status.getInstances()) {
                var data = instance.getStatus();
                text.append("\n  instance ")
                        .append(instance.getInstanceId())
                        .append(": running=")
                        .append(data.isRunning())
                        .append(" restarts=")
                        .append(data.getNumRestarts())
                        .append(" received=")
                        .append(data.getNumReceived())
                        .append(" succeeded=")
                        .append(data.getNumSuccessfullyProcessed())
                        .append(" userExceptions=")
                        .append(data.getNumUserExceptions())
                        .append(" systemExceptions=")
                        .append(data.getNumSystemExceptions())
                        .append(" error=")
                        .append(data.getError());
                data.getLatestUserExceptions()
                        .forEach(e -> text.append("\n    user exception: ").append(e.getExceptionString()));
                data.getLatestSystemExceptions()
                        .forEach(e -> text.append("\n    system exception: ").append(e.getExceptionString()));
            }
        } catch (Exception e) {
            text.append("no status (").append(e).append(')');
        }
        try {
            String log = pulsar.functionLog("public", "default", name);
            text.append("\n  its log (")
                    .append(log.length())
                    .append(" chars), last lines:\n")
                    .append(log.substring(Math.max(0, log.length() - 4000)));
        } catch (RuntimeException e) {
            text.append("\n  no log (").append(e).append(')');
        }
        return text.toString();
    }
}
