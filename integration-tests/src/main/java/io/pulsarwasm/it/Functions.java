package io.pulsarwasm.it;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;

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
}
