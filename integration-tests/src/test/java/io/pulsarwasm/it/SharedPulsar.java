package io.pulsarwasm.it;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link PulsarCluster} parameter to one cluster shared by every test class of the
 * run, and a {@link Clients} parameter to one client and one admin client for it: started on
 * first use, closed when the run ends (JUnit closes them from the root store). The suite's classes
 * run concurrently, so no class closes what the others use.
 */
public final class SharedPulsar implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPulsar.class);

    /**
     * A client and an admin client of the shared cluster.
     *
     * @param client the client
     * @param admin the admin client
     */
    public record Clients(PulsarClient client, PulsarAdmin admin) implements AutoCloseable {

        @Override
        public void close() throws PulsarClientException {
            admin.close();
            client.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PulsarCluster.class || type == Clients.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        PulsarCluster cluster =
                store.getOrComputeIfAbsent(PulsarCluster.class, type -> PulsarCluster.start(), PulsarCluster.class);
        if (parameter.getParameter().getType() == PulsarCluster.class) {
            return cluster;
        }
        return store.getOrComputeIfAbsent(Clients.class, type -> connect(cluster), Clients.class);
    }

    private static Clients connect(PulsarCluster cluster) {
        try {
            return new Clients(
                    PulsarClient.builder().serviceUrl(cluster.serviceUrl()).build(),
                    PulsarAdmin.builder().serviceHttpUrl(cluster.adminUrl()).build());
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot connect to the shared Pulsar at " + cluster.serviceUrl(), e);
        }
    }
}
